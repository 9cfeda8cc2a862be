from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_required
def plugin_list(request):
    if not request.user.is_developer:
        raise PermissionDenied
    return render(request, "pluginstore/developer_plugins.html", {"plugins": []})
