FROM python:3.11-slim-bookworm
WORKDIR /srv/siteroll
RUN apt-get update && apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
COPY . .
# ../shared (face weights) must be provided at build time as ./shared-models or mounted; see README
ENV SITEROLL_SHARED_DIR=/srv/shared TF_CPP_MIN_LOG_LEVEL=3
RUN make install
