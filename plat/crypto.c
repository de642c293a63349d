/* Hashes and HMACs through libgcrypt, the same code on Linux and Windows
 * (Debian ships libgcrypt20-dev and libgcrypt-mingw-w64-dev). */
#include "plat/plat.h"

#include <gcrypt.h>
#include <string.h>

static bool gcry_ready;

static void crypto_init(void)
{
	if (gcry_ready)
		return;
	/* Any version will do; we use only message digests. */
	gcry_check_version(NULL);
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	gcry_ready = true;
}

enum plat_hash_alg plat_hash_by_name(const char *name)
{
	static const struct { const char *name; enum plat_hash_alg alg; } map[] = {
		{ "md5", PLAT_HASH_MD5 },	{ "sha1", PLAT_HASH_SHA1 },
		{ "sha256", PLAT_HASH_SHA256 }, { "crc32c", PLAT_HASH_CRC32C },
	};
	char bare[32];
	size_t n;

	if (!name)
		return PLAT_HASH_NONE;
	/* The kernel's crypto API spells HMACs "hmac(sha1)". */
	if (strncmp(name, "hmac(", 5) == 0) {
		n = strlen(name + 5);
		if (n == 0 || n >= sizeof(bare) || name[5 + n - 1] != ')')
			return PLAT_HASH_NONE;
		memcpy(bare, name + 5, n - 1);
		bare[n - 1] = 0;
		name = bare;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].name, name) == 0)
			return map[i].alg;
	return PLAT_HASH_NONE;
}

size_t plat_hash_len(enum plat_hash_alg alg)
{
	switch (alg) {
	case PLAT_HASH_MD5: return 16;
	case PLAT_HASH_SHA1: return 20;
	case PLAT_HASH_SHA256: return 32;
	case PLAT_HASH_CRC32C: return 4;
	default: return 0;
	}
}

static int gcry_algo(enum plat_hash_alg alg)
{
	switch (alg) {
	case PLAT_HASH_MD5: return GCRY_MD_MD5;
	case PLAT_HASH_SHA1: return GCRY_MD_SHA1;
	case PLAT_HASH_SHA256: return GCRY_MD_SHA256;
	default: return 0;
	}
}

int plat_hash(enum plat_hash_alg alg, const void *buf, size_t len, uint8_t *out)
{
	if (alg == PLAT_HASH_CRC32C) {
		/* The kernel's "crc32c" shash: seed ~0, final inversion, and
		 * the digest is the little-endian u32. */
		uint32_t c = ~plat_crc32c(~0u, buf, len);
		out[0] = (uint8_t)c;
		out[1] = (uint8_t)(c >> 8);
		out[2] = (uint8_t)(c >> 16);
		out[3] = (uint8_t)(c >> 24);
		return 0;
	}
	if (!gcry_algo(alg))
		return -EINVAL;
	crypto_init();
	gcry_md_hash_buffer(gcry_algo(alg), out, buf, len);
	return 0;
}

int plat_hmac(enum plat_hash_alg alg, const void *key, size_t key_len,
	      const void *buf, size_t len, uint8_t *out)
{
	gcry_md_hd_t h;
	int err = 0;

	if (!gcry_algo(alg))
		return -EINVAL;
	crypto_init();
	if (gcry_md_open(&h, gcry_algo(alg), GCRY_MD_FLAG_HMAC))
		return -ENOMEM;
	if (gcry_md_setkey(h, key, key_len)) {
		err = -EINVAL;
		goto out;
	}
	gcry_md_write(h, buf, len);
	memcpy(out, gcry_md_read(h, 0), plat_hash_len(alg));
out:
	gcry_md_close(h);
	return err;
}
