// libpq, loaded when a postgresql:// target is first opened (dlopen of
// libpq.so.5) instead of linked: chiso then starts without it and the
// libraries it brings (krb5, LDAP, OpenSSL, ...), ~25 of them.
//
// corpus/pg_sink.cc includes this header instead of <libpq-fe.h> and calls
// the PQ functions as usual: each name below is a macro for the loaded
// function. A PQ function missing from the table is an undefined reference
// at link time (libpq is not linked), so it cannot be forgotten silently.
//
//   std::string why;
//   if (!LoadLibPq(&why)) return Status::Error("postgresql: " + why);
//   PGconn* c = PQconnectdbParams(...);
//
// Thread-safety: LoadLibPq may be called from any thread; the table is
// filled once.
#ifndef CHISO_CORPUS_LIBPQ_H_
#define CHISO_CORPUS_LIBPQ_H_

#include <libpq-fe.h>  // types and constants only

#include <string>

namespace chiso {

#define CHISO_LIBPQ_FUNCTIONS(X)                                                                             \
  X(PQconnectdbParams) X(PQstatus) X(PQerrorMessage) X(PQfinish) X(PQsetNoticeProcessor) X(PQexec)           \
  X(PQexecParams) X(PQresultStatus) X(PQresultErrorMessage) X(PQresultErrorField) X(PQclear) X(PQntuples)    \
  X(PQnfields) X(PQgetisnull) X(PQgetvalue) X(PQgetlength) X(PQcmdTuples) X(PQputCopyData) X(PQputCopyEnd) \
  X(PQgetResult) X(PQescapeLiteral) X(PQescapeIdentifier) X(PQfreemem) X(PQtransactionStatus)

struct LibPq {
#define CHISO_LIBPQ_FIELD(name) decltype(&::name) name##_fn = nullptr;
  CHISO_LIBPQ_FUNCTIONS(CHISO_LIBPQ_FIELD)
#undef CHISO_LIBPQ_FIELD
};

// Loads libpq (libpq.so.5, or the file $CHISO_LIBPQ names) on the first call.
// Returns true, or false with `why` set (the library or one of its functions
// is missing), and the same on later calls.
bool LoadLibPq(std::string* why);

// The loaded functions. REQUIRES: LoadLibPq returned true.
const LibPq& LoadedLibPq();

}  // namespace chiso

#define PQconnectdbParams (::chiso::LoadedLibPq().PQconnectdbParams_fn)
#define PQstatus (::chiso::LoadedLibPq().PQstatus_fn)
#define PQerrorMessage (::chiso::LoadedLibPq().PQerrorMessage_fn)
#define PQfinish (::chiso::LoadedLibPq().PQfinish_fn)
#define PQsetNoticeProcessor (::chiso::LoadedLibPq().PQsetNoticeProcessor_fn)
#define PQexec (::chiso::LoadedLibPq().PQexec_fn)
#define PQexecParams (::chiso::LoadedLibPq().PQexecParams_fn)
#define PQresultStatus (::chiso::LoadedLibPq().PQresultStatus_fn)
#define PQresultErrorMessage (::chiso::LoadedLibPq().PQresultErrorMessage_fn)
#define PQresultErrorField (::chiso::LoadedLibPq().PQresultErrorField_fn)
#define PQclear (::chiso::LoadedLibPq().PQclear_fn)
#define PQntuples (::chiso::LoadedLibPq().PQntuples_fn)
#define PQnfields (::chiso::LoadedLibPq().PQnfields_fn)
#define PQgetisnull (::chiso::LoadedLibPq().PQgetisnull_fn)
#define PQgetvalue (::chiso::LoadedLibPq().PQgetvalue_fn)
#define PQgetlength (::chiso::LoadedLibPq().PQgetlength_fn)
#define PQcmdTuples (::chiso::LoadedLibPq().PQcmdTuples_fn)
#define PQputCopyData (::chiso::LoadedLibPq().PQputCopyData_fn)
#define PQputCopyEnd (::chiso::LoadedLibPq().PQputCopyEnd_fn)
#define PQgetResult (::chiso::LoadedLibPq().PQgetResult_fn)
#define PQescapeLiteral (::chiso::LoadedLibPq().PQescapeLiteral_fn)
#define PQescapeIdentifier (::chiso::LoadedLibPq().PQescapeIdentifier_fn)
#define PQfreemem (::chiso::LoadedLibPq().PQfreemem_fn)
#define PQtransactionStatus (::chiso::LoadedLibPq().PQtransactionStatus_fn)

#endif  // CHISO_CORPUS_LIBPQ_H_
