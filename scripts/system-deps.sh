#!/bin/sh
# The system libraries WeasyPrint needs and a CJK font (without one every Chinese
# character in a PDF prints as a box, silently). Installs them when running as root;
# otherwise prints the one command to run.
missing=""
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so || missing="$missing libpango-1.0-0"
have_lib libpangoft2-1.0.so || missing="$missing libpangoft2-1.0-0"
have_lib libharfbuzz.so || missing="$missing libharfbuzz0b"
# Font subsetting in C: without it WeasyPrint falls back to fontTools (~3 s per report).
have_lib libharfbuzz-subset.so || missing="$missing libharfbuzz-subset0"
# pdftotext / pdffonts: the tests read the PDFs back to check their text and fonts.
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
if ! fc-list :lang=zh 2>/dev/null | grep -qi "cjk\|wqy\|han"; then
  missing="$missing fonts-noto-cjk fontconfig"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing for PDF reports:$missing"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "PDF reports need:$missing"
  echo "Install them with: sudo apt-get install -y$missing"
fi
