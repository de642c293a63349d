/* Control-channel client (ctl/client.h). */
#include "ctl/client.h"
#include "ctl/proto.h"

#include <stdio.h>
#include <stdlib.h>

#define EXIT_NO_ENGINE 20

static int relay(struct plat_chan *c, const char *prog)
{
	for (;;) {
		enum ctl_frame_kind kind;
		uint32_t len;
		char *buf;
		int err = ctl_recv_frame(c, &kind, &buf, &len);

		if (err) {
			fprintf(stderr, "%s: lost the connection to udrbdd: %s\n", prog,
				plat_strerror(err));
			return EXIT_NO_ENGINE;
		}
		if (kind == CTL_FRAME_EXIT) {
			int rc = len == 4 ? (int)((uint8_t)buf[0] | (uint8_t)buf[1] << 8)
					  : EXIT_NO_ENGINE;
			free(buf);
			return rc;
		}
		if (kind == CTL_FRAME_STDOUT) {
			fwrite(buf, 1, len, stdout);
			fflush(stdout);
		} else if (kind == CTL_FRAME_STDERR) {
			fwrite(buf, 1, len, stderr);
		}
		free(buf);
	}
}

int ctl_client_run(const char *prog, int argc, char **argv)
{
	const char *path = ctl_default_path();
	struct plat_chan *c = NULL;
	int err, rc;

	err = plat_chan_connect(path, &c);
	if (err) {
		fprintf(stderr, "%s: cannot reach udrbdd at %s: %s "
			"(is udrbdd running? set UDRBD_CONTROL to its --control path)\n",
			prog, path, plat_strerror(err));
		return EXIT_NO_ENGINE;
	}
	argv[0] = (char *)prog;
	err = ctl_send_request(c, argc, argv);
	if (err) {
		fprintf(stderr, "%s: cannot send the command to udrbdd: %s\n", prog,
			plat_strerror(err));
		plat_chan_close(c);
		return EXIT_NO_ENGINE;
	}
	rc = relay(c, prog);
	plat_chan_close(c);
	return rc;
}
