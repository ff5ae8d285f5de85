/* synth_apps.c: gammaray-synth's application topologies: functions, resources, roots. */
#include "synth/synth.h"

const char *const gr_sy_region_name[] = { "us-east-1", "eu-west-1" };

const char *const gr_sy_kind_name[] = {
	[SY_K_S3] = "s3", [SY_K_DDB] = "dynamodb", [SY_K_SNS] = "sns", [SY_K_SQS] = "sqs",
	[SY_K_KIN] = "kinesis", [SY_K_LAMBDA] = "lambda", [SY_K_EVENTS] = "events",
};

#define ACT(k, lo, hi, fl, ms_, tgt) \
	{ .kind = (k), .min = (lo), .max = (hi), .flags = (fl), .ms = (ms_), .target = (tgt) }
#define OTHER(ms_, lat, svc_, op_) \
	{ .kind = SY_A_OTHER, .min = 1, .max = 1, .ms = (ms_), .lat_ms = (lat), .svc = (svc_), \
	  .op = (op_) }
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* --- mapreduce: driver -> async Invoke of N mappers -> S3 -> coordinator -> reducer */
static const struct gr_sy_fn_def mr_fns[] = {
	{ .name = "mr-driver", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 512, .timeout_s = 60,
	  .work_ms = 40, .init_ms = 350,
	  .acts = { ACT(SY_A_INVOKE, 4, 16, SY_F_SET_EXPECT | SY_F_BACKUP | SY_F_PASS_INDEX, 5,
			"mr-mapper") } },
	{ .name = "mr-mapper", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 1024,
	  .timeout_s = 120, .work_ms = 30, .init_ms = 250,
	  .acts = { OTHER(0, 40, "S3", "GetObject"),
		    ACT(SY_A_S3_PUT, 1, 1, 0, 350, "mr-shuffle") } },
	{ .name = "mr-coordinator", .runtime = SY_PY, .fmt = SY_JSON, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 15, .init_ms = 300,
	  .acts = { OTHER(0, 30, "S3", "ListObjectsV2"),
		    ACT(SY_A_INVOKE_SYNC, 1, 1, SY_F_ONLY_LAST, 3, "mr-reducer") } },
	{ .name = "mr-reducer", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 2048,
	  .timeout_s = 300, .work_ms = 50, .init_ms = 600,
	  .acts = { OTHER(0, 60, "S3", "GetObject"),
		    ACT(SY_A_S3_PUT, 1, 1, 0, 400, "mr-results") } },
};
static const struct gr_sy_res_def mr_res[] = {
	{ .name = "mr-shuffle", .kind = SY_K_S3, .keyfmt = SY_KEY_PART,
	  .subs = { "mr-coordinator" } },
	{ .name = "mr-results", .kind = SY_K_S3, .keyfmt = SY_KEY_UNIQUE, .versioned = true },
};
static const struct gr_sy_root_def mr_roots[] = { { "mr-driver", SY_T_SCHEDULE, 1, NULL } };

/* --- webapp: SNS -> S3 -> S3 trigger -> async Invoke -> DynamoDB -> stream */
static const struct gr_sy_fn_def web_fns[] = {
	{ .name = "web-frontend", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 30, .init_ms = 180,
	  .acts = { ACT(SY_A_S3_PUT, 1, 1, 0, 10, "web-uploads") } },
	{ .name = "web-process", .runtime = SY_PY, .fmt = SY_TEXT, .no_caller = true, .mem_mb = 512,
	  .timeout_s = 30, .work_ms = 80, .init_ms = 400,
	  .acts = { OTHER(0, 25, "S3", "GetObject"), ACT(SY_A_INVOKE, 1, 1, 0, 10, "web-notify") } },
	{ .name = "web-notify", .runtime = SY_NODE, .fmt = SY_JSON, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 20, .init_ms = 200,
	  .acts = { ACT(SY_A_DDB_PUT, 1, 2, 0, 5, "web-sessions") } },
	{ .name = "web-audit", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 128,
	  .timeout_s = 60, .work_ms = 25, .init_ms = 250 },
};
static const struct gr_sy_res_def web_res[] = {
	{ .name = "web-requests", .kind = SY_K_SNS, .subs = { "web-frontend" } },
	{ .name = "web-uploads", .kind = SY_K_S3, .keyfmt = SY_KEY_UNIQUE, .versioned = true,
	  .subs = { "web-process" } },
	{ .name = "web-sessions", .kind = SY_K_DDB, .keyfmt = SY_KEY_POOL, .batch = 100,
	  .win_min_ms = 100, .win_max_ms = 800, .subs = { "web-audit" } },
};
static const struct gr_sy_root_def web_roots[] = {
	{ "web-frontend", SY_T_SNS_EXT, 3, "web-requests" },
};

/* --- imagepipe: two regions, DynamoDB streams and a synchronous hop */
static const struct gr_sy_fn_def img_fns[] = {
	{ .name = "img-recognize", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 1024,
	  .timeout_s = 30, .work_ms = 50, .init_ms = 800,
	  .acts = { OTHER(5, 300, "Rekognition", "DetectLabels"),
		    ACT(SY_A_DDB_BATCH, 2, 6, 0, 10, "img-labels") } },
	{ .name = "img-indexer", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 30, .init_ms = 200,
	  .acts = { ACT(SY_A_INVOKE_SYNC, 1, 1, SY_F_REC_COUNT, 5, "img-replicate") } },
	{ .name = "img-replicate", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 512,
	  .timeout_s = 60, .work_ms = 20, .init_ms = 450,
	  .acts = { ACT(SY_A_DDB_BATCH, 1, 25, SY_F_ARG_COUNT, 10, "img-labels-replica") } },
	{ .name = "img-website", .runtime = SY_NODE, .fmt = SY_JSON, .region = 1,
	  .mem_mb = 512, .timeout_s = 60, .work_ms = 60, .init_ms = 300,
	  .acts = { ACT(SY_A_S3_PUT, 1, 1, 0, 20, "img-site") } },
};
static const struct gr_sy_res_def img_res[] = {
	{ .name = "img-labels", .kind = SY_K_DDB, .keyfmt = SY_KEY_IMAGE, .batch = 100,
	  .win_min_ms = 100, .win_max_ms = 1000, .subs = { "img-indexer" } },
	{ .name = "img-labels-replica", .kind = SY_K_DDB, .region = 1, .keyfmt = SY_KEY_IMAGE,
	  .batch = 100, .win_min_ms = 100, .win_max_ms = 1000, .subs = { "img-website" } },
	{ .name = "img-site", .kind = SY_K_S3, .region = 1, .keyfmt = SY_KEY_UNIQUE,
	  .versioned = true },
};
static const struct gr_sy_root_def img_roots[] = { { "img-recognize", SY_T_APIGW, 2, NULL } };

/* --- sqs-fanin: many producers, one consumer taking batches of up to 10 */
static const struct gr_sy_fn_def fanin_fns[] = {
	{ .name = "fanin-source", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 20, .init_ms = 300,
	  .acts = { ACT(SY_A_INVOKE, 3, 10, 0, 2, "fanin-producer") } },
	{ .name = "fanin-producer", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 30, .init_ms = 200,
	  .acts = { ACT(SY_A_SQS_SEND, 1, 2, 0, 5, "fanin-queue"),
		    ACT(SY_A_SQS_BATCH, 2, 4, SY_F_SOMETIMES, 5, "fanin-queue") } },
	{ .name = "fanin-consumer", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 512,
	  .timeout_s = 60, .work_ms = 50, .init_ms = 350 },
};
static const struct gr_sy_res_def fanin_res[] = {
	{ .name = "fanin-queue", .kind = SY_K_SQS, .batch = 10, .win_min_ms = 200,
	  .win_max_ms = 900, .subs = { "fanin-consumer" } },
};
static const struct gr_sy_root_def fanin_roots[] = { { "fanin-source", SY_T_SCHEDULE, 1, NULL } };

/* --- sns-fanout: one Publish, several subscribers */
static const struct gr_sy_fn_def fanout_fns[] = {
	{ .name = "fan-publisher", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 25, .init_ms = 200,
	  .acts = { ACT(SY_A_SNS_PUB, 1, 1, 0, 5, "fan-topic") } },
	{ .name = "fan-email", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 40, .init_ms = 300,
	  .acts = { OTHER(5, 120, "SES", "SendEmail") } },
	{ .name = "fan-sms", .runtime = SY_NODE, .fmt = SY_JSON, .mem_mb = 128,
	  .timeout_s = 30, .work_ms = 40, .init_ms = 200,
	  .acts = { OTHER(5, 90, "Pinpoint", "SendMessages") } },
	{ .name = "fan-audit", .runtime = SY_PY, .fmt = SY_JSON, .mem_mb = 128,
	  .timeout_s = 30, .work_ms = 20, .init_ms = 300,
	  .acts = { ACT(SY_A_DDB_PUT, 1, 1, 0, 2, "fan-log") } },
};
static const struct gr_sy_res_def fanout_res[] = {
	{ .name = "fan-topic", .kind = SY_K_SNS,
	  .subs = { "fan-email", "fan-sms", "fan-audit" } },
	{ .name = "fan-log", .kind = SY_K_DDB, .keyfmt = SY_KEY_UNIQUE },
};
static const struct gr_sy_root_def fanout_roots[] = { { "fan-publisher", SY_T_APIGW, 2, NULL } };

/* --- kinesis: PutRecord(s) -> batched consumer */
static const struct gr_sy_fn_def kin_fns[] = {
	{ .name = "kin-ingest", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 10, .init_ms = 180,
	  .acts = { ACT(SY_A_KIN_PUT, 1, 1, SY_F_SOMETIMES, 2, "kin-clicks"),
		    ACT(SY_A_KIN_PUTS, 2, 6, 0, 2, "kin-clicks") } },
	{ .name = "kin-consumer", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 512,
	  .timeout_s = 60, .work_ms = 40, .init_ms = 300,
	  .acts = { ACT(SY_A_DDB_PUT, 1, 1, 0, 5, "kin-agg") } },
};
static const struct gr_sy_res_def kin_res[] = {
	{ .name = "kin-clicks", .kind = SY_K_KIN, .batch = 100, .win_min_ms = 200,
	  .win_max_ms = 1000, .subs = { "kin-consumer" } },
	{ .name = "kin-agg", .kind = SY_K_DDB, .keyfmt = SY_KEY_POOL },
};
static const struct gr_sy_root_def kin_roots[] = { { "kin-ingest", SY_T_APIGW, 2, NULL } };

/* --- eventbridge: PutEvents -> rule targets */
static const struct gr_sy_fn_def eb_fns[] = {
	{ .name = "eb-orders", .runtime = SY_NODE, .fmt = SY_JSON, .mem_mb = 256,
	  .timeout_s = 10, .work_ms = 20, .init_ms = 200,
	  .acts = { ACT(SY_A_EB_PUT, 1, 2, 0, 5, "default") } },
	{ .name = "eb-billing", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 60, .init_ms = 300 },
	{ .name = "eb-shipping", .runtime = SY_NODE, .fmt = SY_TEXT, .mem_mb = 256,
	  .timeout_s = 30, .work_ms = 45, .init_ms = 200,
	  .acts = { OTHER(5, 20, "DynamoDB", "GetItem") } },
};
static const struct gr_sy_res_def eb_res[] = {
	{ .name = "default", .kind = SY_K_EVENTS, .subs = { "eb-billing", "eb-shipping" } },
};
static const struct gr_sy_root_def eb_roots[] = { { "eb-orders", SY_T_APIGW, 2, NULL } };

/* --- recursive: a crawler that triggers itself through S3 a few levels deep */
static const struct gr_sy_fn_def rec_fns[] = {
	{ .name = "rec-crawler", .runtime = SY_PY, .fmt = SY_TEXT, .mem_mb = 512,
	  .timeout_s = 60, .work_ms = 100, .init_ms = 400,
	  .acts = { ACT(SY_A_S3_PUT, 1, 2, SY_F_DEPTH, 20, "rec-pages") } },
};
static const struct gr_sy_res_def rec_res[] = {
	{ .name = "rec-pages", .kind = SY_K_S3, .keyfmt = SY_KEY_DEPTH, .subs = { "rec-crawler" } },
};
static const struct gr_sy_root_def rec_roots[] = { { "rec-crawler", SY_T_SCHEDULE, 1, NULL } };

#define APP(nm, sum, f, r, ro) \
	{ .name = (nm), .summary = (sum), .fns = (f), .nfns = N(f), .res = (r), .nres = N(r), \
	  .roots = (ro), .nroots = N(ro) }

static const struct gr_sy_app_def app_mr = APP("mapreduce",
	"driver -> async Invoke of mappers -> S3 -> coordinator -> sync Invoke reducer",
	mr_fns, mr_res, mr_roots);
static const struct gr_sy_app_def app_web = APP("webapp",
	"SNS -> S3 -> S3 trigger -> async Invoke -> DynamoDB -> stream", web_fns, web_res,
	web_roots);
static const struct gr_sy_app_def app_img = APP("imagepipe",
	"two regions: DynamoDB -> stream -> sync Invoke -> DynamoDB -> stream", img_fns,
	img_res, img_roots);
static const struct gr_sy_app_def app_fanin = APP("sqs-fanin",
	"many producers SendMessage, one consumer takes batches of up to 10", fanin_fns,
	fanin_res, fanin_roots);
static const struct gr_sy_app_def app_fanout = APP("sns-fanout",
	"one Publish, several subscriber functions", fanout_fns, fanout_res, fanout_roots);
static const struct gr_sy_app_def app_kin = APP("kinesis",
	"PutRecord(s) -> batched consumer", kin_fns, kin_res, kin_roots);
static const struct gr_sy_app_def app_eb = APP("eventbridge",
	"PutEvents -> rule targets", eb_fns, eb_res, eb_roots);
static const struct gr_sy_app_def app_rec = APP("recursive",
	"a function that triggers itself through S3 a few levels deep", rec_fns, rec_res,
	rec_roots);
/* "mixed" has no tables of its own: the simulator loads every other application */
static const struct gr_sy_app_def app_mixed = {
	.name = "mixed", .summary = "all of the above at once (the default)",
};

const struct gr_sy_app_def *const gr_sy_apps[] = {
	&app_mr, &app_web, &app_img, &app_fanin, &app_fanout, &app_kin, &app_eb, &app_rec,
	&app_mixed,
};
const size_t gr_sy_napps = N(gr_sy_apps);
