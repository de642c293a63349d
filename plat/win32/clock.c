/* Clocks, sleeping and randomness on Windows. */
#include "plat/win32/win32.h"

#include <bcrypt.h>

uint64_t plat_now_ns(void)
{
	static LARGE_INTEGER freq;
	LARGE_INTEGER c;
	uint64_t f;

	/* The frequency is fixed at boot; a racing first call stores the
	 * same value twice. */
	if (!freq.QuadPart)
		QueryPerformanceFrequency(&freq);
	QueryPerformanceCounter(&c);
	f = (uint64_t)freq.QuadPart;
	/* Split so that counter * 1e9 cannot overflow after long uptimes. */
	return (uint64_t)c.QuadPart / f * 1000000000ull +
	       (uint64_t)c.QuadPart % f * 1000000000ull / f;
}

void plat_sleep_ms(uint32_t ms)
{
	Sleep(ms);
}

static int32_t utc_offset_min(void)
{
	TIME_ZONE_INFORMATION tz;
	LONG bias;

	switch (GetTimeZoneInformation(&tz)) {
	case TIME_ZONE_ID_DAYLIGHT:
		bias = tz.Bias + tz.DaylightBias;
		break;
	case TIME_ZONE_ID_STANDARD:
		bias = tz.Bias + tz.StandardBias;
		break;
	case TIME_ZONE_ID_INVALID:
		return 0;
	default:
		bias = tz.Bias;
	}
	/* Windows' bias is UTC minus local time. */
	return (int32_t)-bias;
}

void plat_walltime(struct plat_walltime *t)
{
	/* FILETIME: 100 ns units since 1601-01-01 UTC. */
	const uint64_t epoch_1970 = 116444736000000000ull;
	FILETIME ft;
	uint64_t v;

	GetSystemTimePreciseAsFileTime(&ft);
	v = ((uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - epoch_1970;
	t->sec = (int64_t)(v / 10000000u);
	t->usec = (uint32_t)(v % 10000000u / 10u);
	t->utc_offset_min = utc_offset_min();
}

int plat_random_bytes(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ULONG n = len > 0x10000000u ? 0x10000000u : (ULONG)len;
		NTSTATUS st = BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);

		if (st < 0)
			return -EIO;
		p += n;
		len -= n;
	}
	return 0;
}
