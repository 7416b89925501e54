// Crash-safe creates: the idempotency tokens of creates that were sent but
// whose result never reached Terraform.
//
// A create that is retried inside one provider process is safe with any
// token. A provider that dies (SIGKILL, OOM, crash) after sending a create but
// before handing the new object to Terraform leaves a cluster no state knows;
// the next plan plans a create again, and a new random token would start a
// second cluster. So the token is written to a small journal next to
// Terraform's own data (`$TF_DATA_DIR`, default `.terraform/`) before the
// create is sent and removed once the result is handed back. The next run
// takes a pending token of an identical create (same workspace, same request
// body) instead of a new one, and the API answers with the cluster that
// already exists.
//
// Two resources with identical configuration never share a cluster: every
// pending entry is taken by at most one create per process, a finished create
// leaves no entry behind, and fresh tokens are random. Without a data
// directory (or with DCS_CREATE_JOURNAL=off) tokens are random per create, as
// before. Entries older than a week are dropped.
//
// Thread-safe; the file is rewritten atomically (write, fsync, rename).
#ifndef DCS_RESOURCES_CREATE_JOURNAL_H_
#define DCS_RESOURCES_CREATE_JOURNAL_H_

#include <mutex>
#include <set>
#include <string>

namespace dcs::resources {

class CreateJournal {
 public:
  // `path` "" disables the journal.
  explicit CreateJournal(std::string path) : path_(std::move(path)) {}

  // The journal of this provider process: $DCS_CREATE_JOURNAL when set ("off"
  // disables it), else <TF_DATA_DIR or .terraform>/dcs-pending-creates.json
  // when that directory exists.
  static CreateJournal& ForProcess();

  // The token for a create identified by `key` (a digest of the workspace and
  // the request body): a pending token of the same key that no create of this
  // process took yet (*resumed = true), else a new random one, recorded as
  // pending before it is returned.
  std::string Take(const std::string& key, bool* resumed);
  // The create's outcome reached Terraform (or it certainly did not happen):
  // forget the token.
  void Settle(const std::string& token);

  // SHA-256 of the parts, hex.
  static std::string Key(const std::string& workspace, const std::string& body);

 private:
  std::string path_;
  std::mutex mu_;
  std::set<std::string> taken_;  // tokens handed out by this process
};

}  // namespace dcs::resources

#endif  // DCS_RESOURCES_CREATE_JOURNAL_H_
