/* dump-md text input (restore-md), same token rules as drbd-utils 9.22:
 * decimal numbers, hex with exactly 8 (u32) or 16 (u64) digits, '#'
 * comments, keywords, and { } [ ] ; as operators. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md/dump.h"
#include "md/endian.h"

enum tok { T_EOF, T_NUM, T_U32, T_U64, T_STR, T_WORD, T_OP, T_BAD };

struct lex {
	const char *p, *end;
	unsigned line;
	enum tok t;
	uint64_t num;
	char word[32];
	char *err;
	size_t errlen;
	int failed;
};

static void lex_vfail(struct lex *l, bool at_line, const char *fmt, va_list ap)
{
	int n = 0;

	if (l->failed)
		return;
	l->failed = 1;
	if (at_line)
		n = snprintf(l->err, l->errlen, "Parse error in line %u: ", l->line);
	if (n >= 0 && (size_t)n < l->errlen)
		vsnprintf(l->err + n, l->errlen - (size_t)n, fmt, ap);
}

static void lex_fail(struct lex *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lex_vfail(l, true, fmt, ap);
	va_end(ap);
}

/* drbd-utils words some value checks without the line number */
static void value_fail(struct lex *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lex_vfail(l, false, fmt, ap);
	va_end(ap);
}

static void lex_hex(struct lex *l)
{
	const char *s = l->p + 2;
	size_t n = 0;

	while (s + n < l->end && isxdigit((unsigned char)s[n]))
		n++;
	l->t = n == 16 ? T_U64 : n == 8 ? T_U32 : T_BAD;
	l->num = n == 16 || n == 8 ? strtoull(s, NULL, 16) : 0;
	l->p = s + n;
}

static void lex_word(struct lex *l)
{
	size_t n = 0;

	while (l->p + n < l->end && (isalnum((unsigned char)l->p[n]) ||
				     l->p[n] == '-' || l->p[n] == '_'))
		n++;
	if (n >= sizeof(l->word) || !n) {
		l->t = T_BAD;
		l->p += n ? n : 1;
		return;
	}
	memcpy(l->word, l->p, n);
	l->word[n] = 0;
	l->p += n;
	if (isdigit((unsigned char)l->word[0]) || (l->word[0] == '-' && n > 1)) {
		char *e;

		l->num = (uint64_t)strtoll(l->word, &e, 10);
		l->t = *e || n > 19 ? T_BAD : T_NUM;
		return;
	}
	l->t = T_WORD;
}

static void lex_next(struct lex *l)
{
	for (;;) {
		while (l->p < l->end && isspace((unsigned char)*l->p))
			l->line += *l->p++ == '\n';
		if (l->p < l->end && *l->p == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
			continue;
		}
		break;
	}
	if (l->p >= l->end) {
		l->t = T_EOF;
	} else if (strchr("{}[];", *l->p)) {
		l->t = T_OP;
		l->word[0] = *l->p++;
		l->word[1] = 0;
	} else if (*l->p == '"') {
		const char *q = memchr(l->p + 1, '"', (size_t)(l->end - l->p - 1));
		size_t n = q ? (size_t)(q - l->p - 1) : 0;

		l->t = q && n && n < sizeof(l->word) ? T_STR : T_BAD;
		if (l->t == T_STR)
			memcpy(l->word, l->p + 1, n), l->word[n] = 0;
		l->p = q ? q + 1 : l->end;
	} else if (l->end - l->p > 1 && l->p[0] == '0' && l->p[1] == 'x') {
		lex_hex(l);
	} else {
		lex_word(l);
	}
}

static void expect(struct lex *l, enum tok t, const char *word)
{
	lex_next(l);
	if (l->failed)
		return;
	if (l->t != t || (word && strcmp(l->word, word)))
		lex_fail(l, "expected '%s'", word ? word : t == T_NUM ? "a number" :
			 t == T_U64 ? "16-digit hex number" : t == T_U32 ?
			 "8-digit hex number" : t == T_STR ? "a string" : "end of file");
}

static uint64_t kv_num(struct lex *l, const char *key, enum tok t)
{
	expect(l, T_WORD, key);
	expect(l, t, NULL);
	expect(l, T_OP, ";");
	return l->num;
}

static void parse_v09_peers(struct lex *l, struct md_sb *sb)
{
	uint32_t seen = 0;

	for (int i = 0; i < MD_MAX_PEERS && !l->failed; i++) {
		struct md_peer_md *p;
		uint64_t n;

		expect(l, T_WORD, "peer");
		expect(l, T_OP, "[");
		expect(l, T_NUM, NULL);
		n = l->num;
		expect(l, T_OP, "]");
		if (l->failed)
			return;
		if (n >= MD_MAX_PEERS) {
			lex_fail(l, "Slot %d out of range", (int)n);
			return;
		}
		if (seen & (1u << n)) {
			lex_fail(l, "Peer slot %d defined multiple times", (int)n);
			return;
		}
		seen |= 1u << n;
		p = &sb->peers[n];
		expect(l, T_OP, "{");
		p->bitmap_index = (int32_t)kv_num(l, "bitmap-index", T_NUM);
		p->bitmap_uuid = kv_num(l, "bitmap-uuid", T_U64);
		p->bitmap_dagtag = kv_num(l, "bitmap-dagtag", T_U64);
		p->flags = (uint32_t)kv_num(l, "flags", T_U32);
		expect(l, T_OP, "}");
	}
	expect(l, T_WORD, "history-uuids");
	expect(l, T_OP, "{");
	for (int i = 0; i < MD_HISTORY_UUIDS && !l->failed; i++) {
		expect(l, T_U64, NULL);
		sb->history_uuids[i] = l->num;
		expect(l, T_OP, ";");
	}
	expect(l, T_OP, "}");
}

static void parse_ids(struct lex *l, struct md_sb *sb)
{
	if (sb->version == 9) {
		sb->bm_max_peers = (uint32_t)kv_num(l, "max-peers", T_NUM);
		sb->node_id = (int32_t)kv_num(l, "node-id", T_NUM);
		sb->current_uuid = kv_num(l, "current-uuid", T_U64);
		sb->flags = (uint32_t)kv_num(l, "flags", T_U32);
		if (sb->bm_max_peers < 1 || sb->bm_max_peers > MD_MAX_PEERS)
			lex_fail(l, "max-peers %u out of range", sb->bm_max_peers);
		parse_v09_peers(l, sb);
		return;
	}
	sb->bm_max_peers = 1;
	expect(l, T_WORD, "uuid");
	expect(l, T_OP, "{");
	for (int i = 0; i < 4 && !l->failed; i++) {
		expect(l, T_U64, NULL);
		if (i == 0)
			sb->current_uuid = l->num;
		else if (i == 1)
			sb->peers[0].bitmap_uuid = l->num;
		else
			sb->history_uuids[i - 2] = l->num;
		expect(l, T_OP, ";");
	}
	sb->flags = (uint32_t)kv_num(l, "flags", T_U32);
	expect(l, T_OP, "}");
}

static void parse_tail(struct lex *l, struct md_sb *sb)
{
	sb->effective_size = kv_num(l, "la-size-sect", T_NUM);
	sb->bm_bytes_per_bit = (uint32_t)kv_num(l, "bm-byte-per-bit", T_NUM);
	if (!l->failed && (sb->bm_bytes_per_bit < 4096 ||
			   (sb->bm_bytes_per_bit & (sb->bm_bytes_per_bit - 1))))
		value_fail(l, "Invalid value for bm-byte-per-bit: value must be a "
			 "power-of-two multiple of 4096");
	sb->device_uuid = kv_num(l, "device-uuid", T_U64);
	sb->la_peer_max_bio_size = (uint32_t)kv_num(l, "la-peer-max-bio-size", T_NUM);
	sb->al_stripes = (uint32_t)kv_num(l, "al-stripes", T_NUM);
	sb->al_stripe_size_4k = (uint32_t)kv_num(l, "al-stripe-size-4k", T_NUM);
}

/* One 64-bit dump value = two 32-bit words of the slot, low word first. */
static void bm_put(struct md_dump_parsed *o, uint64_t *i, uint64_t v, uint32_t peers)
{
	for (int h = 0; h < 2; h++) {
		if (o->bm && (*i + 1) * 4 <= o->bm_cap)
			put_le32(o->bm + *i * 4, (uint32_t)(((*i / peers) & 1) ? v >> 32 : v));
		*i += peers;
	}
}

static uint64_t parse_slot(struct lex *l, struct md_dump_parsed *o, uint32_t slot)
{
	uint32_t peers = o->sb.bm_max_peers;
	uint64_t i = slot;

	if (o->sb.version == 9) {
		expect(l, T_WORD, "bitmap");
		expect(l, T_OP, "[");
		expect(l, T_NUM, NULL);
		if (!l->failed && l->num != slot)
			lex_fail(l, "Expected peer slot %u but found %d", slot, (int)l->num);
		expect(l, T_OP, "]");
	} else {
		expect(l, T_WORD, "bm");
	}
	expect(l, T_OP, "{");
	while (!l->failed) {
		lex_next(l);
		if (l->t == T_U64) {
			uint64_t v = l->num;

			expect(l, T_OP, ";");
			bm_put(o, &i, v, peers);
		} else if (l->t == T_NUM) {
			uint64_t times = l->num, v;

			expect(l, T_WORD, "times");
			expect(l, T_U64, NULL);
			v = l->num;
			expect(l, T_OP, ";");
			if (times > (1ull << 40))
				lex_fail(l, "repeat count too large");
			while (!l->failed && times--)
				bm_put(o, &i, v, peers);
		} else if (l->t == T_OP && l->word[0] == '}') {
			break;
		} else {
			lex_fail(l, "expected repeat count, 16-digit hex number, or "
				 "closing brace (})");
		}
	}
	return i - slot;
}

int md_dump_parse(const char *text, size_t len, int version,
		  struct md_dump_parsed *o, char *err, size_t errlen)
{
	struct lex l = { .p = text, .end = text + len, .line = 1,
			 .err = err, .errlen = errlen };
	uint64_t words = 0;

	memset(&o->sb, 0, sizeof(o->sb));
	o->sb.version = version;
	o->bm_len = 0;
	expect(&l, T_WORD, "version");
	expect(&l, T_STR, NULL);
	if (!l.failed && strcmp(l.word, version == 9 ? "v09" : "v08"))
		value_fail(&l, "dump is '%s' you requested '%s'.", l.word,
			 version == 9 ? "v09" : "v08");
	expect(&l, T_OP, ";");
	parse_ids(&l, &o->sb);
	parse_tail(&l, &o->sb);
	for (uint32_t s = 0; s < o->sb.bm_max_peers && !l.failed; s++)
		words = parse_slot(&l, o, s);
	expect(&l, T_EOF, NULL);
	if (l.failed)
		return -EINVAL;
	o->bm_len = words * 4;
	return 0;
}
