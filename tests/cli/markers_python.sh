# markers_python: the Python marker emitter (contrib/python) with real botocore and its
# Stubber, every event shape and trigger-capable call, through gammaray-fetch | gammaray-infer
for py in /usr/bin/python3 python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import botocore' 2>/dev/null; then
		PYTHONDONTWRITEBYTECODE=1 exec "$py" contrib/python/tests/test_markers.py --bin "$BIN"
	fi
done
echo "markers_python: no python3 with botocore: install python3-botocore (build-aux/deps.sh test)"
exit 1
