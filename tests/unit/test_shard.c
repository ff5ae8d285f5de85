/* test_shard.c: the keyed lines of a sharded run (infer_shard_io.c): fields written and read back, positions, S3 groups. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "infer/infer_shard.h"

static int to_buf(void *ctx, const char *p, size_t n)
{
	return gr_buf_add(ctx, p, n);
}

/* A shard whose output goes to out. */
static struct gr_shard *shard(struct gr_buf *out)
{
	struct gr_shard *sh = calloc(1, sizeof(*sh));

	cr_assert_not_null(sh);
	gr_infer_opts_init(&sh->o);
	sh->o.write = to_buf;
	sh->o.write_ctx = out;
	sh->cur = &sh->out;
	return sh;
}

static void shard_free(struct gr_shard *sh)
{
	gr_buf_release(&sh->out);
	gr_buf_release(&sh->graw);
	gr_buf_release(&sh->gsplit);
	gr_buf_release(&sh->gkey);
	free(sh->goff);
	free(sh->lines);
	free(sh->fields);
	free(sh);
}

/* The lines of text read back as one group. */
static void read_back(struct gr_shard *sh, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		cr_assert_not_null(nl);
		cr_assert_eq(gr_sh_grow(&sh->goff, &sh->gcap, sh->gn + 1, sizeof(*sh->goff)), 0);
		sh->goff[sh->gn++] = sh->graw.len;
		cr_assert_eq(gr_buf_add(&sh->graw, p, (size_t)(nl - p)), 0);
		cr_assert_eq(gr_buf_addc(&sh->graw, '\0'), 0);
		p = nl + 1;
	}
	cr_assert_eq(gr_sh_group_split(sh), 0);
}

Test(shard, fields_round_trip)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_shard *sh = shard(&out);
	static const char hostile[] = "a\tb\nc\\d\r\x01\x1f \xc3\xa9 {\"k\":\"v\\\"\"}";
	char pos[SH_POS_LEN + 1];

	gr_sh_pos(pos, 7, 2, 1234);
	gr_sh_begin(sh, SH_LINK, "k\tey", 4, pos, 'X');
	gr_sh_str(sh, hostile, sizeof(hostile) - 1);
	gr_sh_opt(sh, NULL);
	gr_sh_opt(sh, "");
	gr_sh_opt(sh, "x\\t");
	gr_sh_i64(sh, INT64_MIN);
	gr_sh_i64(sh, -1);
	gr_sh_i64(sh, 0);
	gr_sh_i64(sh, INT64_MAX);
	gr_sh_u64(sh, UINT64_MAX);
	gr_sh_u64(sh, 0x0123456789abcdefull);
	gr_sh_f32(sh, (float)(0.9 / (1 + 3)));
	gr_sh_cstr(sh, "");
	gr_sh_end(sh);
	cr_assert_eq(gr_sh_flush(sh, true), 0);
	cr_assert_eq(sh->fatal, 0);
	/* one line: no raw tab or newline inside a field */
	cr_assert_eq(strchr(out.data, '\n'), out.data + out.len - 1);
	read_back(sh, out.data);
	const struct gr_sh_line *l = &sh->lines[0];
	cr_assert_eq(l->nf, 15);
	cr_assert_str_eq(l->f[0], "ek\tey");
	cr_assert_str_eq(l->f[1], pos);
	cr_assert_eq(gr_sh_type(l), 'X');
	cr_assert_str_eq(gr_sh_f_str(l, 3), hostile);
	cr_assert_null(gr_sh_f_opt(l, 4));
	cr_assert_str_eq(gr_sh_f_opt(l, 5), "");
	cr_assert_str_eq(gr_sh_f_opt(l, 6), "x\\t");
	cr_assert_eq(gr_sh_f_i64(sh, l, 7), INT64_MIN);
	cr_assert_eq(gr_sh_f_i64(sh, l, 8), -1);
	cr_assert_eq(gr_sh_f_i64(sh, l, 9), 0);
	cr_assert_eq(gr_sh_f_i64(sh, l, 10), INT64_MAX);
	cr_assert_eq(gr_sh_f_u64(sh, l, 11), UINT64_MAX);
	cr_assert_eq(gr_sh_f_u64(sh, l, 12), 0x0123456789abcdefull);
	float f = gr_sh_f_f32(sh, l, 13), want = (float)(0.9 / (1 + 3));
	cr_assert_eq(memcmp(&f, &want, sizeof(f)), 0, "confidences travel bit for bit");
	cr_assert_str_eq(gr_sh_f_str(l, 14), "");
	cr_assert_str_eq(gr_sh_f_str(l, 99), "", "a field past the end reads empty");
	cr_assert_eq(sh->fatal, 0);
	/* a number field that is not one stops the stage, named */
	(void)gr_sh_f_i64(sh, l, 3);
	cr_assert_eq(sh->fatal, GR_ERR_FORMAT);
	cr_assert(strstr(sh->ferr.msg, "no field 3"));
	gr_buf_release(&out);
	shard_free(sh);
}

/* A byte that needs escaping (or one next to those that do) at every place of
 * fields of every length around the eight bytes the writer skips at a time. */
Test(shard, escapes_everywhere)
{
	static const unsigned char special[] = { '\\', '\t', '\n', '\r', 0x01, 0x1f, 0x20,
						 0x5b, 0x5d, 0x7f, 0x80, 0xdc, 0xff };
	char field[40];

	for (size_t k = 0; k < sizeof(special); k++)
		for (size_t len = 1; len <= sizeof(field); len++)
			for (size_t at = 0; at < len; at++) {
				struct gr_buf out = GR_BUF_INIT;
				struct gr_shard *sh = shard(&out);
				for (size_t i = 0; i < len; i++)
					field[i] = (char)('a' + i % 26);
				field[at] = (char)special[k];
				if (at + 1 < len)
					field[len - 1] = '\\';
				gr_sh_begin(sh, SH_LINK, "k", 1, "p", 'X');
				gr_sh_str(sh, field, len);
				gr_sh_end(sh);
				cr_assert_eq(gr_sh_flush(sh, true), 0);
				/* one line: no raw newline inside the field */
				cr_assert_eq(strchr(out.data, '\n'), out.data + out.len - 1);
				read_back(sh, out.data);
				const struct gr_sh_line *l = &sh->lines[0];
				cr_assert_eq(l->nf, 4);
				cr_assert_eq(memcmp(gr_sh_f_str(l, 3), field, len), 0,
					     "byte 0x%02x at %zu of %zu", special[k], at, len);
				cr_assert_eq(strlen(gr_sh_f_str(l, 3)), len);
				gr_buf_release(&out);
				shard_free(sh);
			}
}

/* A line whose field 3 is text, read as a number (hex: an id) by a fresh shard: it
 * reads 0 and stops the stage. */
static void refused(const char *text, bool hex)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_shard *sh = shard(&out);
	char line[256];

	snprintf(line, sizeof(line), "ek\tp\tX\t%s\n", text);
	read_back(sh, line);
	if (hex)
		cr_assert_eq(gr_sh_f_u64(sh, &sh->lines[0], 3), 0);
	else
		cr_assert_eq(gr_sh_f_i64(sh, &sh->lines[0], 3), 0);
	cr_assert_eq(sh->fatal, GR_ERR_FORMAT, "'%s' is no %s of a stage", text,
		     hex ? "id" : "number");
	gr_buf_release(&out);
	shard_free(sh);
}

/* Numbers are read as the stages write them, and nothing else: no sign but '-', no
 * space, no overflow, hex of exactly the width written (either case). */
Test(shard, numbers_strict)
{
	struct gr_buf out = GR_BUF_INIT;
	struct gr_shard *sh = shard(&out);
	static const char *const bad_dec[] = { "+5", " 5", "5 ", "", "-", "12a", "0x1",
					       "9223372036854775808", "-9223372036854775809",
					       "99999999999999999999" };
	static const char *const bad_hex[] = { "0123456789abcde", "0123456789abcdef0",
					       "0123456789abcdeg", " 123456789abcdef", "" };
	char line[256];

	snprintf(line, sizeof(line), "ek\t%022d\tX\t-9223372036854775808\t00000000000000000"
		 "\t0123456789ABCDEF\t3f666666\t3F66666\n", 0);
	read_back(sh, line);
	const struct gr_sh_line *l = &sh->lines[0];
	cr_assert_eq(gr_sh_f_i64(sh, l, 3), INT64_MIN);
	cr_assert_eq(gr_sh_f_i64(sh, l, 4), 0, "leading zeros");
	cr_assert_eq(gr_sh_f_u64(sh, l, 5), 0x0123456789abcdefull, "upper case hex");
	float f = gr_sh_f_f32(sh, l, 6);
	uint32_t bits;
	memcpy(&bits, &f, sizeof(bits));
	cr_assert_eq(bits, 0x3f666666u);
	cr_assert_eq(sh->fatal, 0);
	(void)gr_sh_f_f32(sh, l, 7);
	cr_assert_eq(sh->fatal, GR_ERR_FORMAT, "7 hex digits for a float");
	gr_buf_release(&out);
	shard_free(sh);
	for (size_t i = 0; i < sizeof(bad_dec) / sizeof(bad_dec[0]); i++)
		refused(bad_dec[i], false);
	for (size_t i = 0; i < sizeof(bad_hex) / sizeof(bad_hex[0]); i++)
		refused(bad_hex[i], true);
}

/* Positions sort as their parts, inputs and lines do, and read back. */
Test(shard, positions_order)
{
	static const struct { uint32_t part, input; uint64_t line; } p[] = {
		{ 0, 0, 1 }, { 0, 0, 9 }, { 0, 0, 10 }, { 0, 1, 1 }, { 1, 0, 1 }, { 10, 0, 1 },
		{ 0xffffffffu, 0xffff, 0xffffffffffull },
	};
	char a[SH_POS_LEN + 1], b[SH_POS_LEN + 1], where[48];
	uint64_t line;

	for (size_t i = 0; i + 1 < sizeof(p) / sizeof(p[0]); i++) {
		gr_sh_pos(a, p[i].part, p[i].input, p[i].line);
		gr_sh_pos(b, p[i + 1].part, p[i + 1].input, p[i + 1].line);
		cr_assert_eq(strlen(a), SH_POS_LEN);
		cr_assert_lt(strcmp(a, b), 0, "%s before %s", a, b);
	}
	gr_sh_pos(a, 3, 4, 567);
	gr_sh_pos_where(a, where, sizeof(where), &line);
	cr_assert_str_eq(where, "part 3 input 4");
	cr_assert_eq(line, 567);
	gr_sh_pos(a, 0xffffffffu, 0xffff, 0xffffffffffull);
	gr_sh_pos_where(a, where, sizeof(where), &line);
	cr_assert_str_eq(where, "part 4294967295 input 65535");
	cr_assert_eq(line, 0xffffffffffull);
	/* not a position: short, long, not hex */
	static const char *const bad[] = { "", "000000030004000000023",
					   "00000003000400000002370", "0000000300040000000g37" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		line = 9;
		gr_sh_pos_where(bad[i], where, sizeof(where), &line);
		cr_assert_str_eq(where, "part 0 input 0", "'%s'", bad[i]);
		cr_assert_eq(line, 0);
	}
}

/* Every spelling a notification may give a key meets the write of it. */
Test(shard, s3_groups)
{
	struct gr_infer *inf;
	struct gr_infer_opts o;
	struct gr_error err = { 0 };

	gr_infer_opts_init(&o);
	o.write = to_buf;
	cr_assert_eq(gr_infer_new(&inf, &o, &err), 0);
	uint64_t g = gr_inf_s3_group(inf, "photos/a b.jpg");
	cr_assert_eq(gr_inf_s3_group(inf, "photos/a+b.jpg"), g);
	cr_assert_eq(gr_inf_s3_group(inf, "photos/a%20b.jpg"), g);
	cr_assert_eq(gr_inf_s3_group(inf, "photos/a%2Bb.jpg"), g, "a key with a plus, encoded");
	cr_assert_neq(gr_inf_s3_group(inf, "photos/ab.jpg"), g);
	cr_assert_neq(gr_inf_s3_group(inf, "other/a b.jpg"), g, "the bucket is part of it");
	cr_assert_eq(gr_inf_s3_group(inf, "b/100%"), gr_inf_s3_group(inf, "b/100%"));
	gr_infer_free(inf);
}
