/* A stand-in for a program udrbd runs (wnbd-client, powershell): appends
 * its arguments to the file named by ARGV_RECORD_FILE, one per line after
 * a line with its own name, and exits with ARGV_RECORD_EXIT_<NAME> (the
 * name in capitals, '-' as '_'), else ARGV_RECORD_EXIT, else 0.
 * Built by the tests that need it, for the OS under test (mingw-w64 for
 * Wine); tests/system/test_wnbd_map.py reads the record. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *p)
{
	const char *s;

	for (s = p; *s; s++)
		if (*s == '/' || *s == '\\')
			p = s + 1;
	return p;
}

static const char *exit_code(const char *name)
{
	char var[300];
	const char *v;
	size_t i, n = (size_t)snprintf(var, sizeof(var), "ARGV_RECORD_EXIT_%s", name);

	for (i = 17; i < n && i < sizeof(var); i++)
		var[i] = var[i] == '-' ? '_' : (char)toupper((unsigned char)var[i]);
	v = getenv(var);
	return v ? v : getenv("ARGV_RECORD_EXIT");
}

int main(int argc, char **argv)
{
	const char *path = getenv("ARGV_RECORD_FILE");
	const char *code;
	char name[256];
	FILE *f;
	int i;

	snprintf(name, sizeof(name), "%s", base_name(argv[0]));
	if (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".exe"))
		name[strlen(name) - 4] = 0;
	code = exit_code(name);
	if (!path || !(f = fopen(path, "a")))
		return 99;
	fprintf(f, "%s\n", name);
	for (i = 1; i < argc; i++)
		fprintf(f, "\t%s\n", argv[i]);
	fclose(f);
	return code ? atoi(code) : 0;
}
