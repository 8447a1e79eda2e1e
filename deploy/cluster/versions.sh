# Versions of the cluster's services, built from Go modules by build.sh.
# Each is the newest of its line whose go directive this machine's Go (1.26.8, GOTOOLCHAIN=local) accepts:
# server v1.30.9 and ui-server >= v2.56.0 ask for go >= 1.26.9.
TEMPORAL_SERVER_MODULE=go.temporal.io/server
TEMPORAL_SERVER_VERSION=v1.30.8
UI_SERVER_MODULE=github.com/temporalio/ui-server/v2
UI_SERVER_VERSION=v2.55.0
# MinIO publishes RELEASE.* tags, not semver: the module proxy serves commits as pseudo-versions.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MC_MODULE=github.com/minio/mc
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9
