// Status: the result of a fallible operation that has no value (LevelDB style).
// Construction-time failures (a bad rule file, gazetteer or schema) are reported
// as a Status carrying file, line and reason; libraries never print or abort.
#ifndef CHISO_CORE_STATUS_H_
#define CHISO_CORE_STATUS_H_

#include <string>
#include <utility>

namespace chiso {

class Status {
 public:
  Status() = default;  // OK
  static Status OK() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace chiso

#endif  // CHISO_CORE_STATUS_H_
