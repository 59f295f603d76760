# The workbench as a container image: the wheel (migrations and entry page inside it) with the
# pinned dependencies and the PostgreSQL driver, run as an unprivileged user.
#
#   docker build -t claim-workbench .
#   docker run --rm -p 8501:8501 -e WORKBENCH_DATABASE_URL=postgresql+psycopg://… \
#       -e WORKBENCH_SECRET_KEY=… claim-workbench
#
# compose.yaml runs it as a one-shot migration and two replicas behind nginx.

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY workbench workbench
COPY db db
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY constraints.txt /tmp/constraints.txt
COPY --from=wheel /wheels /tmp/wheels
RUN pip install -c /tmp/constraints.txt "$(ls /tmp/wheels/*.whl)[postgres]" \
    && rm -r /tmp/wheels /tmp/constraints.txt

# No root at run time; the home folder holds the per-user SQLite file if no
# WORKBENCH_DATABASE_URL is given (a single-container trial, not a deployment).
RUN useradd --create-home --uid 10001 --user-group workbench
USER workbench
WORKDIR /home/workbench

# Production unless told otherwise: sign-in required, and the server refuses to start without
# a WORKBENCH_SECRET_KEY of its own. Streamlit's settings through its documented variables.
ENV WORKBENCH_ENVIRONMENT=production \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501
EXPOSE 8501

# Streamlit's own health route; slim images have no curl, Python is there anyway.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["workbench", "serve"]
