#!/usr/bin/python3
"""Run Mistral's API, engine, executor and notifier in one process.

Debian's mistral-server always forks the API into worker processes, and the
in-memory "fake" message transport used here (no RabbitMQ) only reaches
services inside the same process. So the API is started as a thread instead.
"""
import sys

from mistral.cmd import launch  # patches eventlet before anything else loads


def _api_as_thread():
    launch.launch_thread(launch.api_service.WSGIService('mistral_api'))


launch.LAUNCH_OPTIONS['api'] = _api_as_thread
if '--server' not in sys.argv:
    sys.argv.extend(['--server', 'api,engine,executor,notifier'])
sys.exit(launch.main())
