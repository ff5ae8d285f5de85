# --log-group applies to the paths after it, up to the next one
gammaray-fetch -g /aws/lambda/resize 'fixtures/export/9f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b' \
	-g /aws/lambda/notify 'fixtures/export/5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' | grep '"type":"stream"'
