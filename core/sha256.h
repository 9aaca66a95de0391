// SHA-256 of a byte string, as lowercase hex. Documents are keyed by it
// (doc.sha256, resume). None of the project's libraries exposes a digest, so
// this is the FIPS 180-4 algorithm, checked against its test vectors; on x86
// CPUs with the SHA extensions the rounds run on them.
// Thread-safe (pure function).
#ifndef CHISO_CORE_SHA256_H_
#define CHISO_CORE_SHA256_H_

#include <string>
#include <string_view>

namespace chiso {

std::string Sha256Hex(std::string_view bytes);

namespace internal {  // for tests: the portable rounds, and whether they are bypassed
std::string Sha256HexPortable(std::string_view bytes);
bool Sha256Accelerated();
}  // namespace internal

}  // namespace chiso

#endif  // CHISO_CORE_SHA256_H_
