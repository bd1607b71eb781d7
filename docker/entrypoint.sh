#!/bin/sh
# The image's entrypoint: checks the environment (docker/preflight.mjs: one line per problem,
# exit 1), then replaces itself with the server, so the server is PID 1's child-free process
# that receives SIGTERM from `docker stop`.
set -eu
app_dir=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
node "$app_dir/docker/preflight.mjs"
exec node "$app_dir/lib/server.js" "$@"
