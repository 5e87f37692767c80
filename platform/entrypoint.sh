#!/bin/sh
# Start one role of the platform: web (migrate, load content, gunicorn), worker or beat.
set -e
role="${1:-web}"
case "$role" in
  web)
    python manage.py migrate --no-input
    python manage.py collectstatic --no-input --verbosity 0
    python manage.py load_paths
    # First start: hand content generation to the workers; gunicorn does not wait.
    python manage.py generate_content --all --missing --enqueue
    exec gunicorn config.wsgi --config /app/platform/gunicorn.conf.py
    ;;
  worker)
    exec celery -A config worker --loglevel=INFO --queues="${CELERY_WORKER_QUEUES:-celery,content,grading}" \
      --concurrency="${CELERY_WORKER_CONCURRENCY:-2}" --without-mingle --without-gossip
    ;;
  beat)
    exec celery -A config beat --loglevel=INFO --schedule=/data/beat/celerybeat-schedule
    ;;
  *)
    exec "$@"
    ;;
esac
