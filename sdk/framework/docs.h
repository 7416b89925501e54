// Registry documentation generated from the schemas: docs/index.md,
// docs/resources/*.md, docs/data-sources/*.md, docs/functions/*.md, in the
// Terraform Registry layout. Example Usage comes from examples/; nothing in a
// generated page is written by hand, so docs cannot drift from the code.
#ifndef DCS_SDK_FRAMEWORK_DOCS_H_
#define DCS_SDK_FRAMEWORK_DOCS_H_

#include <string>
#include <vector>

#include "sdk/framework/engine.h"

namespace dcs::framework {

struct DocPage {
  std::string path;     // relative to docs/, e.g. "data-sources/compatibility_matrix.md"
  std::string content;  // markdown with front matter
};

// Renders every page. `examples_dir` is the repository's examples/ folder;
// a missing example file leaves the Example Usage section out.
std::vector<DocPage> RenderDocs(const Engine& engine, const std::string& examples_dir);

// The "## Schema" section of one block (exposed for tests).
std::string RenderSchema(const schema::Block& block);

}  // namespace dcs::framework

#endif  // DCS_SDK_FRAMEWORK_DOCS_H_
