// The cluster state machine and the ClusterDetails rendering.
//
// Transitions are lazy: a transitional state (PENDING, RESTARTING, RESIZING,
// TERMINATING) carries a deadline and Advance() completes it when the clock has
// passed it. No background thread is needed, and a restarted emulator continues
// exactly where it stopped because deadlines are persisted.
// REQUIRES: callers hold the store lock (all functions touch the Workspace).
#ifndef DCS_EMULATOR_CLUSTER_LIFECYCLE_H_
#define DCS_EMULATOR_CLUSTER_LIFECYCLE_H_

#include <cstdint>
#include <string>

#include "emulator/workspace.h"

namespace dcs::emulator {

// Completes any transition whose deadline has passed (marks ws dirty if so).
void Advance(Cluster& c, Workspace& ws, int64_t now);
void AdvanceAll(Workspace& ws, int64_t now);

void AddEvent(Cluster& c, int64_t ts, const std::string& type, Json details = Json::object());

// Enter PENDING (create or start).
void BeginLaunch(Cluster& c, const Workspace& ws, int64_t now, bool first_start);
// Enter RESTARTING (restart, or edit of a running cluster).
void BeginRestart(Cluster& c, const Workspace& ws, int64_t now);
// Enter TERMINATING because of `reason` (a TerminationReason object).
void BeginTerminate(Cluster& c, const Workspace& ws, int64_t now, Json reason, std::string message);
// Enter RESIZING towards `size` ({"num_workers"} or {"autoscale"}).
void BeginResize(Cluster& c, const Workspace& ws, int64_t now, Json size);

Json UserRequestReason(const std::string& user);

// "Pending", "Running", ... as the service spells states inside messages.
std::string StateWord(const std::string& state);
bool IsTransitional(const std::string& state);

// ClusterDetails as get (with_spec) and list (without spec) return them.
Json RenderCluster(const Cluster& c, const Workspace& ws, bool with_spec);

}  // namespace dcs::emulator

#endif  // DCS_EMULATOR_CLUSTER_LIFECYCLE_H_
