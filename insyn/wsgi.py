import os

from django.core.wsgi import get_wsgi_application

from lib.collector import threshold_from_env, tune_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insyn.settings")
application = get_wsgi_application()
# Each worker loads the application, then freezes it (lib/collector.py: large pages and reports
# otherwise spend much of their time in the garbage collector walking Django's own objects).
tune_collector(threshold_from_env(), freeze=True)
