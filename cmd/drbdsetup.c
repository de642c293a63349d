/* drbdsetup: the low-level command line. A thin client of udrbdd (see
 * ctl/proto.h): everything it prints and its exit code come from the engine,
 * so every command has one implementation, where the state lives. */
#include "ctl/client.h"
#include "plat/plat.h"

int main(int argc, char **argv)
{
	plat_init();
	return ctl_client_run("drbdsetup", argc, argv);
}
