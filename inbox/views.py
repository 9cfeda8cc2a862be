from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def messages_list(request):
    return render(request, "inbox/messages_list.html", {"threads": []})


@login_required
def submit(request):
    return render(request, "inbox/submit_unavailable.html", {})
