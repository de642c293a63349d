/* The client side of the control channel, shared by drbdsetup and udrbd. */
#ifndef UDRBD_CTL_CLIENT_H
#define UDRBD_CTL_CLIENT_H

/* Sends argv (argv[0] replaced by prog) to udrbdd at $UDRBD_CONTROL or the
 * default path, relays what it prints, and returns the command's exit code;
 * 20 when udrbdd cannot be reached, as drbdsetup exits when it cannot reach
 * the kernel module (drbd-metadata-resync.md §8.4). */
int ctl_client_run(const char *prog, int argc, char **argv);

#endif
