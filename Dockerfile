# Not exercised on our machines (no Docker engine there); the README path is the tested one.
FROM python:3.11-slim-bookworm
WORKDIR /srv/siteroll
COPY . .
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-zenhei && rm -rf /var/lib/apt/lists/*
RUN python -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/pip install -q --no-deps tf-keras==2.21.0
# Face weights come from a mounted copy of shared/models: seed them when the container starts.
ENV SITEROLL_SHARED_DIR=/srv/shared TF_CPP_MIN_LOG_LEVEL=3
ENTRYPOINT ["sh", "-c", ".venv/bin/python -m services.faces.weights && exec \"$@\"", "--"]
