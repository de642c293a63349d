/* drbdsetup: the low-level command line. A thin client of udrbdd (see
 * ctl/proto.h): everything it prints and its exit code come from the engine,
 * so the same commands behave the same from any client. */
#include "ctl/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* drbd-utils' drbdsetup exits 20 when it cannot reach the kernel module
 * (drbd-metadata-resync.md §8.4); not reaching udrbdd is our equivalent. */
#define EXIT_NO_ENGINE 20

static int relay(struct plat_chan *c)
{
	for (;;) {
		enum ctl_frame_kind kind;
		char *buf;
		uint32_t len;
		int err = ctl_recv_frame(c, &kind, &buf, &len);

		if (err) {
			fprintf(stderr, "drbdsetup: lost the connection to udrbdd: %s\n",
				plat_strerror(err));
			return EXIT_NO_ENGINE;
		}
		switch (kind) {
		case CTL_FRAME_STDOUT:
			fwrite(buf, 1, len, stdout);
			fflush(stdout);
			break;
		case CTL_FRAME_STDERR:
			fwrite(buf, 1, len, stderr);
			break;
		case CTL_FRAME_EXIT: {
			int rc = len == 4 ? (int)((uint8_t)buf[0] | (uint8_t)buf[1] << 8)
					  : EXIT_NO_ENGINE;
			free(buf);
			return rc;
		}
		default:
			break;
		}
		free(buf);
	}
}

int main(int argc, char **argv)
{
	const char *path;
	struct plat_chan *c = NULL;
	int err, rc;

	plat_init();
	plat_log_set_ident("drbdsetup");
	path = ctl_default_path();
	err = plat_chan_connect(path, &c);
	if (err) {
		fprintf(stderr, "drbdsetup: cannot reach udrbdd at %s: %s "
			"(is udrbdd running? set UDRBD_CONTROL to its --control path)\n",
			path, plat_strerror(err));
		return EXIT_NO_ENGINE;
	}
	/* argv[0] is replaced by the program's canonical name. */
	argv[0] = "drbdsetup";
	err = ctl_send_request(c, argc, argv);
	if (err) {
		fprintf(stderr, "drbdsetup: cannot send the command to udrbdd: %s\n",
			plat_strerror(err));
		plat_chan_close(c);
		return EXIT_NO_ENGINE;
	}
	rc = relay(c);
	plat_chan_close(c);
	return rc;
}
