/* RFC 5424 syslog over UDP. Placeholder until the syslog sender lands:
 * plat_log_syslog_udp() reports -EOPNOTSUPP. */
#include "plat/plat.h"

int plat_log_syslog_udp(const char *host, uint16_t port)
{
	(void)host;
	(void)port;
	return -EOPNOTSUPP;
}

void plat_syslog_send(int level, const char *ident, const char *msg);
void plat_syslog_send(int level, const char *ident, const char *msg)
{
	(void)level;
	(void)ident;
	(void)msg;
}
