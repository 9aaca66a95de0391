// SHA-256 of a byte string, as lowercase hex. Documents are keyed by it
// (doc.sha256, resume). None of the project's libraries exposes a digest, so
// this is the FIPS 180-4 algorithm, checked against its test vectors.
// Thread-safe (pure function).
#ifndef CHISO_CORE_SHA256_H_
#define CHISO_CORE_SHA256_H_

#include <string>
#include <string_view>

namespace chiso {

std::string Sha256Hex(std::string_view bytes);

}  // namespace chiso

#endif  // CHISO_CORE_SHA256_H_
