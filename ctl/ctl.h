/* The control server: one thread per drbdsetup client, which runs one
 * command against the engine and streams its output back (ctl/proto.h). */
#ifndef UDRBD_CTL_CTL_H
#define UDRBD_CTL_CTL_H

#include "core/engine.h"
#include "ctl/strbuf.h"

struct ctl_req {
	struct engine *eng;
	struct plat_chan *chan;
	int argc;
	char **argv;
	struct strbuf out, err;
	bool client_gone;	/* events2: the client closed (under eng->lock) */
};

/* Sends what out and err hold so far; -errno when the client is gone. */
int ctl_flush(struct ctl_req *q);

/* Command handlers: return drbdsetup's exit code. */
int ctl_dispatch(struct ctl_req *q);
int ctl_cmd_config(struct ctl_req *q, const char *cmd, bool *handled);
int ctl_cmd_status(struct ctl_req *q, const char *cmd, bool *handled);
int ctl_cmd_net(struct ctl_req *q, const char *cmd, bool *handled);
int ctl_cmd_peer_device(struct ctl_req *q, const char *cmd, bool *handled);
int ctl_cmd_wait(struct ctl_req *q, const char *cmd, bool *handled);
int ctl_cmd_sync(struct ctl_req *q, const char *cmd, bool *handled);

struct ctl_server;
int ctl_server_start(struct engine *eng, const char *path, struct ctl_server **out);
void ctl_server_stop(struct ctl_server *s);

#endif
