/* udrbd path add|remove [DIR]
 *
 * Puts DIR (default: the directory of udrbd.exe) into the machine-wide
 * PATH, or takes it out, so drbdadm, drbdsetup, drbdmeta and udrbd run
 * from any new console as WinDRBD's tools do. The MSI runs it at install
 * and uninstall (packaging/windows/udrbd.wxs): wixl has no Environment
 * element. Exit codes: 0 done or nothing to do, 1 usage or error. */
#include "plat/plat.h"

#include <stdio.h>
#include <string.h>

int udrbd_path_main(int argc, char **argv);

int udrbd_path_main(int argc, char **argv)
{
	char dir[1024];
	bool add;
	int err;

	if (argc < 3 || argc > 4 || (strcmp(argv[2], "add") && strcmp(argv[2], "remove"))) {
		fprintf(stderr, "usage: udrbd path add|remove [DIR]\n");
		return 1;
	}
	add = !strcmp(argv[2], "add");
	if (argc == 4)
		snprintf(dir, sizeof(dir), "%s", argv[3]);
	else if ((err = plat_exe_dir(dir, sizeof(dir)))) {
		fprintf(stderr, "udrbd: cannot find my own directory: %s\n", plat_strerror(err));
		return 1;
	}
	err = plat_system_path_edit(dir, add);
	if (err == -EOPNOTSUPP) {
		fprintf(stderr, "udrbd: path: only Windows has a machine-wide PATH to edit\n");
		return 1;
	}
	if (err) {
		fprintf(stderr, "udrbd: cannot %s %s %s the system PATH: %s\n",
			add ? "add" : "remove", dir, add ? "to" : "from", plat_strerror(err));
		return 1;
	}
	return 0;
}
