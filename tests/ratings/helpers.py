"""Plugins, installs and ratings for the ratings tests, through the real services."""

from pluginstore import services as plugin_services
from ratings import services
from tests.factories import DeveloperFactory, PlusUserFactory
from tests.pluginstore.helpers import make_plugin


def approved_plugin(owner=None, **kwargs):
    return make_plugin(owner or DeveloperFactory(), "approved", **kwargs)


def installer(plugin, user=None):
    """A Plus user who installed the plugin."""
    user = user or PlusUserFactory()
    plugin_services.installation_create(user=user, plugin_id=plugin.pk)
    return user


def rate(plugin, stars=5, review="", user=None):
    """A new installer's rating."""
    user = installer(plugin, user)
    return services.rating_save(user=user, plugin_id=plugin.pk, stars=stars, review=review)
