#!/bin/sh
# modelgate's pre-commit hook (.pre-commit-hooks.yaml, language: script): the bundled CLI, run
# with the Node.js on PATH, on the staged files that are model cards under the repository's config.
if ! command -v node >/dev/null 2>&1; then
  echo "modelgate: the pre-commit hook needs Node.js 20 or later on PATH (https://nodejs.org/)." >&2
  exit 2
fi
exec node "$(dirname "$0")/dist/modelgate.js" validate --only-cards "$@"
