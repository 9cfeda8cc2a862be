"""Plugin.domain in its one canonical spelling (core.hosts.canonical_authority).

Before this, the one-owner-per-domain guard compared the host as typed, so an explicit default
port (example.test:443), a loopback alias (127.0.0.1:8001 for localhost:8001) or a Unicode name
(bücher.example for xn--bcher-kva.example) registered a second plugin for one server. Each
plugin's domain is recomputed from its manifest URL. When two plugins turn out to name one
server, the plugin already holding the canonical spelling keeps it (else the oldest takes it);
the others keep their old spelling, so nothing is lost and the guard, which compares canonical
spellings, still refuses that server to anyone else. Such collisions are reported on the
migrate output for staff to settle (PRODUCT.md section 9: whoever proves control owns it).
"""

import sys

from django.db import migrations

from core.hosts import canonical_authority


def canonical_domains(apps, schema_editor, out=None):
    """Rewrite every plugin's domain canonically; report (never fail on) collisions."""
    out = out or sys.stdout
    Plugin = apps.get_model("pluginstore", "Plugin")
    plugins = list(Plugin.objects.order_by("created_at", "pk").only("pk", "domain", "manifest_url"))
    holder = {plugin.domain: plugin for plugin in plugins}
    pending = [p for p in plugins if (canonical_authority(p.manifest_url) or p.domain) != p.domain]
    # A rename can free the spelling another plugin wants, so go round until nothing moves.
    moved = True
    while moved:
        moved = False
        for plugin in list(pending):
            canonical = canonical_authority(plugin.manifest_url)
            if canonical in holder:
                continue
            del holder[plugin.domain]
            plugin.domain = canonical
            holder[canonical] = plugin
            Plugin.objects.filter(pk=plugin.pk).update(domain=canonical)
            pending.remove(plugin)
            moved = True
    for plugin in pending:
        canonical = canonical_authority(plugin.manifest_url)
        other = holder[canonical]
        out.write(
            f"\n  Plugin #{plugin.pk} keeps the domain {plugin.domain!r}: it is the same server "
            f"as plugin #{other.pk} ({canonical!r}). Decide which developer owns it and ban or "
            "remove the other in the admin."
        )
    return pending


class Migration(migrations.Migration):
    dependencies = [("pluginstore", "0002_search_index_and_reviewer_permissions")]

    operations = [migrations.RunPython(canonical_domains, migrations.RunPython.noop)]
