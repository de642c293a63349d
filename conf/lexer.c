/* conf: the drbd.conf lexer (drbd-metadata-resync.md §8.5): words,
 * double-quoted strings, the characters { } ; [ ] :, '#' comments. */
#include "conf/lex.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void conf_lex_init(struct conf_lex *lx, struct conf *c, const char *file,
		   const char *buf, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->c = c;
	lx->file = file;
	lx->buf = buf;
	lx->len = len;
	lx->line = 1;
	lx->col = 1;
}

static int peek(const struct conf_lex *lx)
{
	return lx->pos < lx->len ? (unsigned char)lx->buf[lx->pos] : -1;
}

static int take(struct conf_lex *lx)
{
	int ch = peek(lx);

	if (ch < 0)
		return ch;
	lx->pos++;
	if (ch == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	return ch;
}

static bool is_word_char(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '/' || ch == '.' ||
	       ch == '_' || ch == '-';
}

static void skip_blanks(struct conf_lex *lx)
{
	int ch;

	while ((ch = peek(lx)) >= 0) {
		if (ch == '#') {
			while ((ch = peek(lx)) >= 0 && ch != '\n')
				take(lx);
		} else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			take(lx);
		} else {
			break;
		}
	}
}

static enum conf_tok too_long(struct conf_lex *lx)
{
	lx->text[CONF_TOKEN_MAX - 1] = 0;
	conf_lex_expected(lx, "a shorter token");
	return lx->tok = TK_EOF;
}

/* "..." : a backslash keeps the next character, newlines end nothing but
 * are refused (drbd.conf strings are single-line). */
static enum conf_tok lex_qstring(struct conf_lex *lx)
{
	size_t n = 0;
	int ch;

	take(lx);
	for (;;) {
		ch = take(lx);
		if (ch == '\\')
			ch = take(lx);
		else if (ch == '"')
			break;
		if (ch < 0 || ch == '\n') {
			lx->text[n] = 0;
			conf_lex_expected(lx, "a closing '\"' on the same line");
			return lx->tok = TK_EOF;
		}
		if (n + 1 >= CONF_TOKEN_MAX)
			return too_long(lx);
		lx->text[n++] = (char)ch;
	}
	lx->text[n] = 0;
	return lx->tok = TK_QSTR;
}

enum conf_tok conf_lex_next(struct conf_lex *lx)
{
	size_t n = 0;
	int ch;

	if (lx->fatal) {
		lx->text[0] = 0;
		return lx->tok = TK_EOF;
	}
	skip_blanks(lx);
	lx->tline = lx->line;
	lx->tcol = lx->col;
	ch = peek(lx);
	if (ch < 0) {
		strcpy(lx->text, "end of file");
		return lx->tok = TK_EOF;
	}
	if (ch == '"')
		return lex_qstring(lx);
	if (strchr("{};[]:", ch)) {
		lx->text[0] = (char)take(lx);
		lx->text[1] = 0;
		return lx->tok = TK_CHAR;
	}
	if (!is_word_char(ch)) {
		lx->text[0] = (char)take(lx);
		lx->text[1] = 0;
		return lx->tok = TK_BAD;
	}
	while (is_word_char(peek(lx))) {
		if (n + 1 >= CONF_TOKEN_MAX)
			return too_long(lx);
		lx->text[n++] = (char)take(lx);
	}
	lx->text[n] = 0;
	return lx->tok = TK_WORD;
}

enum conf_tok conf_lex_until(struct conf_lex *lx, char stop)
{
	size_t n = 0;
	int ch;

	if (lx->fatal)
		return lx->tok = TK_EOF;
	skip_blanks(lx);
	lx->tline = lx->line;
	lx->tcol = lx->col;
	while ((ch = peek(lx)) >= 0 && ch != stop && ch != '\n' && ch != ' ') {
		if (n + 1 >= CONF_TOKEN_MAX)
			return too_long(lx);
		lx->text[n++] = (char)take(lx);
	}
	lx->text[n] = 0;
	return lx->tok = n ? TK_WORD : TK_BAD;
}

void conf_lex_expected(struct conf_lex *lx, const char *what)
{
	if (lx->fatal)
		return;
	conf_error(lx->c, lx->file, lx->tline, lx->tcol,
		   "Parse error: '%s' expected,\n\tbut got '%.20s%s'", what, lx->text,
		   strlen(lx->text) > 20 ? "..." : "");
	lx->fatal = true;
}

void conf_lex_error(struct conf_lex *lx, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	conf_error(lx->c, lx->file, lx->tline, lx->tcol, "%s", msg);
}

bool conf_expect_char(struct conf_lex *lx, char ch)
{
	char what[2] = { ch, 0 };

	conf_lex_next(lx);
	if (conf_is_char(lx, ch))
		return true;
	conf_lex_expected(lx, what);
	return false;
}

const char *conf_expect_string(struct conf_lex *lx, const char *what)
{
	conf_lex_next(lx);
	if (conf_is_string(lx))
		return conf_strdup(lx->c, lx->text);
	conf_lex_expected(lx, what);
	return NULL;
}

static bool is_int(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n < 1 || n > 8)
		return false;
	return !s[n] || (strchr("MKGs", s[n]) && !s[n + 1]);
}

const char *conf_expect_int(struct conf_lex *lx, const char *what)
{
	conf_lex_next(lx);
	if (lx->tok == TK_WORD && is_int(lx->text))
		return conf_strdup(lx->c, lx->text);
	conf_lex_expected(lx, what);
	return NULL;
}
