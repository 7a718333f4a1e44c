#!/bin/sh
# The official Node.js image's entrypoint (nodejs/docker-node), for the stand-in base image:
# runs the command with node if the first argument starts with "-" or is not a system command.
set -e

if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
