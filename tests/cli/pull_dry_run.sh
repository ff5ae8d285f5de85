# --dry-run: every AWS CLI call in order, placeholders for answers; no network, no aws
echo "== filter-log-events (2 h window), profile and region passed through"
gammaray-pull --dry-run --function resize --log-group /custom/app --profile dev --region eu-west-1 \
	--since 2024-05-01T12:00:00Z --until 2024-05-01T14:00:00Z -o pulled/
echo "== --all over a day: export tasks"
gammaray-pull -n --all --bucket my-exports --since 2024-05-01 --until 1714608000 -o pulled/
echo "== usage errors"
gammaray-pull --all --since 2024-05-01 --until 2024-05-02 -o pulled/; echo "exit $?"
gammaray-pull --function resize; echo "exit $?"
gammaray-pull -o x; echo "exit $?"
gammaray-pull -o x --all --since yesterday; echo "exit $?"
