/* conf: lexer and parser internals (not for users of conf/model.h). */
#ifndef UDRBD_CONF_LEX_H
#define UDRBD_CONF_LEX_H

#include "conf/model.h"

#include <string.h>

enum conf_tok {
	TK_EOF = 0,
	TK_WORD,	/* [A-Za-z0-9/._-]+ : keywords, names, numbers, IPv4 */
	TK_QSTR,	/* "..." with the quotes and backslashes taken out */
	TK_CHAR,	/* one of { } ; [ ] : */
	TK_BAD,		/* anything else (text holds it) */
};

#define CONF_TOKEN_MAX 1024

struct conf_lex {
	struct conf *c;
	const char *file;	/* as named in error messages */
	const char *buf;
	size_t len, pos;
	int line, col;		/* of the next character */
	enum conf_tok tok;
	char text[CONF_TOKEN_MAX];
	int tline, tcol;	/* of the current token */
	bool fatal;		/* a syntax error: every further token is EOF */
	struct conf_resource *res;	/* the resource being parsed */
};

void conf_lex_init(struct conf_lex *lx, struct conf *c, const char *file,
		   const char *buf, size_t len);
enum conf_tok conf_lex_next(struct conf_lex *lx);
/* The raw text up to (not including) stop, for "[fd00::1]": IPv6 text
 * holds the ':' that otherwise separates tokens. */
enum conf_tok conf_lex_until(struct conf_lex *lx, char stop);
/* A syntax error at the current token; stops the parse. */
void conf_lex_expected(struct conf_lex *lx, const char *what);
/* A configuration error at the current token; the parse goes on. */
void conf_lex_error(struct conf_lex *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline bool conf_is_char(const struct conf_lex *lx, char ch)
{
	return lx->tok == TK_CHAR && lx->text[0] == ch;
}

static inline bool conf_is_kw(const struct conf_lex *lx, const char *kw)
{
	return lx->tok == TK_WORD && !strcmp(lx->text, kw);
}

static inline bool conf_is_string(const struct conf_lex *lx)
{
	return lx->tok == TK_WORD || lx->tok == TK_QSTR;
}

/* Reads the next token and requires the character ch. */
bool conf_expect_char(struct conf_lex *lx, char ch);
/* Reads the next token and requires a string; returns an arena copy. */
const char *conf_expect_string(struct conf_lex *lx, const char *what);
/* Reads the next token and requires an integer (digits, at most 8, and
 * an optional K/M/G/s suffix, as drbd.conf integers are). */
const char *conf_expect_int(struct conf_lex *lx, const char *what);

/* ---- between the parser files ------------------------------------------- */

/* Parses one file's contents (top level); used for includes too. */
void conf_parse_buffer(struct conf *c, const char *file, const char *buf, size_t len);
/* The absolute, symlink-free path (drbdadm names files so). */
const char *conf_canonical(struct conf *c, const char *path);
/* Reads a whole file into a malloc'ed buffer; negative errno on failure. */
int conf_read_file(const char *path, char **buf, size_t *len);
/* include "glob"; relative to the directory of the including file. */
void conf_include(struct conf_lex *lx, const char *pattern);
/* template-file "path"; (a file holding one "common { }" section). */
struct conf_resource *conf_template(struct conf_lex *lx, const char *res_name,
				    const char *path);
/* A resource body after "resource NAME {" ("common {" when common). */
struct conf_resource *conf_parse_resource(struct conf_lex *lx, const char *name,
					  bool common);
/* An options section body after "{" of section sec; delegate handles
 * words the section does not know (NULL: error). */
void conf_parse_options(struct conf_lex *lx, enum conf_section sec,
			struct conf_opts *out, struct conf_opts *pd_out);
void conf_parse_host(struct conf_lex *lx, struct conf_resource *r,
		     struct conf_names *names, bool floating);
struct conf_volume *conf_parse_volume(struct conf_lex *lx, int vnr,
				      struct conf_names *on_hosts);
bool conf_parse_volume_stmt(struct conf_lex *lx, struct conf_volume *v,
			    struct conf_names *on_hosts);
struct conf_volume *conf_volume0(struct conf_lex *lx, struct conf_volumes *vols);
void conf_parse_address(struct conf_lex *lx, struct conf_addr *a);
struct conf_connection *conf_parse_connection(struct conf_lex *lx);
struct conf_mesh *conf_parse_mesh(struct conf_lex *lx);
void conf_parse_skip(struct conf_lex *lx);

/* Records key as used at file:line; an error naming both places if it was
 * used before ("conflicting use of device-minor ..."). */
void conf_uniq(struct conf *c, const char *file, int line, const char *what,
	       const char *key);

/* After parsing (conf/postparse.c). */
void conf_post_parse(struct conf *c);

#endif
