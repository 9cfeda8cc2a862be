from django.shortcuts import render


def store_list(request):
    return render(request, "pluginstore/store_list.html", {"plugins": []})
