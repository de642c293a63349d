/* drbdsetup: the low-level command line. A thin client of udrbdd (see
 * ctl/proto.h): everything it prints and its exit code come from the engine,
 * so every command has one implementation, where the state lives. Only the
 * usage texts are answered here, so they work without a running udrbdd. */
#include "cmd/drbdsetup.h"
#include "ctl/client.h"
#include "plat/plat.h"

#include <string.h>

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

int main(int argc, char **argv)
{
	plat_init();
	/* drbd-utils' exit codes: the bare usage is an error (20), a
	 * command's usage is not. */
	if (argc < 2 || is_help(argv[1])) {
		drbdsetup_help(stdout, NULL);
		return 20;
	}
	if (!strcmp(argv[1], "help"))
		return argc > 2 ? drbdsetup_help(stdout, argv[2]) : drbdsetup_help(stdout, NULL);
	if (!strcmp(argv[1], "help-commands")) {
		drbdsetup_help_list(stdout);
		return 0;
	}
	for (int i = 2; i < argc; i++)
		if (is_help(argv[i]) && drbdsetup_help_known(argv[1]))
			return drbdsetup_help(stdout, argv[1]);
	return ctl_client_run("drbdsetup", argc, argv);
}
