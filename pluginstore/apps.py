from django.apps import AppConfig


class PluginstoreConfig(AppConfig):
    name = "pluginstore"
    verbose_name = "Plugins"
