/* drbdsetup command dispatch. */
#include "ctl/ctl.h"

#include <string.h>

static const char *const usage_cmds =
	"new-resource new-minor del-minor del-resource attach detach disk-options\n"
	"primary secondary down new-current-uuid status show events2\n"
	"new-peer new-path del-path connect disconnect del-peer net-options\n"
	"peer-device-options verify pause-sync resume-sync invalidate invalidate-remote\n"
	"outdate\n";

int ctl_dispatch(struct ctl_req *q)
{
	const char *cmd;
	bool handled = false;
	int rc;

	if (q->argc < 2) {
		strbuf_printf(&q->err, "USAGE: drbdsetup command {arguments} [options]\n"
			      "Commands:\n%s", usage_cmds);
		return 20;
	}
	cmd = q->argv[1];
	rc = ctl_cmd_config(q, cmd, &handled);
	if (!handled)
		rc = ctl_cmd_net(q, cmd, &handled);
	if (!handled)
		rc = ctl_cmd_peer_device(q, cmd, &handled);
	if (!handled)
		rc = ctl_cmd_sync(q, cmd, &handled);
	if (!handled)
		rc = ctl_cmd_status(q, cmd, &handled);
	if (!handled)
		rc = ctl_cmd_wait(q, cmd, &handled);
	if (!handled) {
		strbuf_printf(&q->err, "drbdsetup: Unknown command '%s'\n", cmd);
		return 20;
	}
	return rc;
}
