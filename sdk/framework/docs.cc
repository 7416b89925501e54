#include "sdk/framework/docs.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace dcs::framework {
namespace {

using schema::Attribute;
using schema::Block;
using schema::Nesting;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string TypeLabel(const cty::Type& t) {
  switch (t.kind()) {
    case cty::TypeKind::kString: return "String";
    case cty::TypeKind::kNumber: return "Number";
    case cty::TypeKind::kBool: return "Boolean";
    case cty::TypeKind::kDynamic: return "Dynamic";
    case cty::TypeKind::kObject: return "Object";
    case cty::TypeKind::kTuple: return "Tuple";
    case cty::TypeKind::kList: return "List of " + TypeLabel(t.element_type());
    case cty::TypeKind::kSet: return "Set of " + TypeLabel(t.element_type());
    case cty::TypeKind::kMap: return "Map of " + TypeLabel(t.element_type());
  }
  return "Dynamic";
}

std::string NestingLabel(Nesting n) {
  switch (n) {
    case Nesting::kSingle: return "";
    case Nesting::kList: return " List";
    case Nesting::kSet: return " Set";
    case Nesting::kMap: return " Map";
    case Nesting::kGroup: return "";
  }
  return "";
}

// One nested section to render after the current list.
struct Pending {
  std::string anchor;
  std::string title;
  Block block;
};

std::string FirstSentenceFlags(const Attribute& a) {
  std::vector<std::string> flags;
  if (a.sensitive) flags.push_back("Sensitive");
  if (a.write_only) flags.push_back("Write-only");
  if (!a.deprecation_message.empty()) flags.push_back("Deprecated");
  return flags.empty() ? "" : ", " + absl::StrJoin(flags, ", ");
}

std::string AttributeLine(const Attribute& a, const std::string& prefix, std::vector<Pending>& pending) {
  std::string label;
  std::string tail;
  if (a.nested) {
    label = "Attributes" + NestingLabel(a.nested->nesting);
    const std::string path = prefix + a.name;
    const std::string anchor = "nestedatt--" + absl::StrJoin(absl::StrSplit(path, '.'), "--");
    Block inner;
    inner.attributes = a.nested->attributes;
    pending.push_back({anchor, path, inner});
    tail = absl::StrCat(" (see [below for nested schema](#", anchor, "))");
  } else {
    label = TypeLabel(a.type);
  }
  std::string line = absl::StrCat("- `", a.name, "` (", label, FirstSentenceFlags(a), ")");
  if (!a.description.empty()) absl::StrAppend(&line, " ", a.description);
  for (const auto& v : a.validators) absl::StrAppend(&line, " Must be ", v->Description(), ".");
  for (const auto& m : a.plan_modifiers) absl::StrAppend(&line, " ", m->Description());
  if (a.default_value && a.default_value->IsKnown() && !a.default_value->IsNull()) {
    absl::StrAppend(&line, " Defaults to `", a.default_value->DebugString(), "`.");
  }
  if (!a.deprecation_message.empty()) absl::StrAppend(&line, " **Deprecated:** ", a.deprecation_message);
  return line + tail + "\n";
}

std::string BlockLine(const schema::NestedBlock& nb, const std::string& prefix, std::vector<Pending>& pending) {
  const std::string path = prefix + nb.name;
  const std::string anchor = "nestedblock--" + absl::StrJoin(absl::StrSplit(path, '.'), "--");
  pending.push_back({anchor, path, *nb.block});
  std::string label = "Block" + NestingLabel(nb.nesting);
  if (nb.nesting == Nesting::kSingle) label = "Block, Max: 1";
  else if (nb.max_items > 0) absl::StrAppend(&label, ", Max: ", nb.max_items);
  if (nb.min_items > 0) absl::StrAppend(&label, ", Min: ", nb.min_items);
  std::string line = absl::StrCat("- `", nb.name, "` (", label, ")");
  if (!nb.block->description.empty()) absl::StrAppend(&line, " ", nb.block->description);
  for (const auto& m : nb.plan_modifiers) absl::StrAppend(&line, " ", m->Description());
  return absl::StrCat(line, " (see [below for nested schema](#", anchor, "))\n");
}

// Renders the Required / Optional / Read-Only groups of one block.
std::string Groups(const Block& block, const std::string& prefix, bool top, std::vector<Pending>& pending) {
  std::string required, optional, read_only;
  for (const auto& a : block.attributes) {
    std::string line = AttributeLine(a, prefix, pending);
    if (a.required()) required += line;
    else if (a.optional()) optional += line;
    else read_only += line;
  }
  for (const auto& nb : block.blocks) {
    std::string line = BlockLine(nb, prefix, pending);
    (nb.min_items > 0 ? required : optional) += line;
  }
  auto heading = [&](const char* name) { return top ? absl::StrCat("### ", name, "\n\n") : absl::StrCat(name, ":\n\n"); };
  std::string out;
  if (!required.empty()) out += heading("Required") + required + "\n";
  if (!optional.empty()) out += heading("Optional") + optional + "\n";
  if (!read_only.empty()) out += heading("Read-Only") + read_only + "\n";
  return out;
}

// The registry's docs validator allows `subcategory` on resource, data source
// and function pages but refuses it on the provider's index page.
enum class Subcategory { kEmpty, kNone };

std::string FrontMatter(const std::string& title, const std::string& description,
                        Subcategory subcategory = Subcategory::kEmpty) {
  std::string out = absl::StrCat("---\n# generated by terraform-provider-dcs docs; do not edit\npage_title: \"",
                                 title, "\"\n", subcategory == Subcategory::kEmpty ? "subcategory: \"\"\n" : "",
                                 "description: |-\n");
  std::istringstream lines(description);
  for (std::string line; std::getline(lines, line);) absl::StrAppend(&out, "  ", line, "\n");
  return out + "---\n\n";
}

std::string Example(const std::string& path) {
  std::string text = ReadFile(path);
  if (text.empty()) return "";
  return absl::StrCat("## Example Usage\n\n```terraform\n", text, text.back() == '\n' ? "" : "\n", "```\n\n");
}

std::string ShortName(const std::string& type) {
  size_t underscore = type.find('_');
  return underscore == std::string::npos ? type : type.substr(underscore + 1);
}

// An `import { identity = … }` example and the identity attributes, for
// clients that import by identity (OpenTofu 1.12, Terraform 1.12+).
std::string IdentitySection(const std::string& type, const IdentitySchema& identity) {
  std::string out = absl::StrCat("### Import by identity\n\nOn OpenTofu 1.12+ and Terraform 1.12+:\n\n```terraform\n",
                                 "import {\n  to       = ", type, ".example\n  identity = {\n");
  for (const auto& a : identity.attributes) {
    if (a.required_for_import || a.optional_for_import) absl::StrAppend(&out, "    ", a.name, " = \"…\"\n");
  }
  absl::StrAppend(&out, "  }\n}\n```\n\nIdentity attributes:\n\n");
  for (const auto& a : identity.attributes) {
    absl::StrAppend(&out, "- `", a.name, "` (", TypeLabel(a.type),
                    a.required_for_import ? ", Required for import" : (a.optional_for_import ? ", Optional" : ""),
                    ") ", a.description, "\n");
  }
  return out + "\n";
}

DocPage TypePage(const std::string& kind, const std::string& folder, const std::string& type,
                 const schema::Schema& s, const std::string& example_path, const std::string& import_path,
                 const IdentitySchema* identity = nullptr) {
  std::string content = FrontMatter(absl::StrCat(type, " ", kind, " - terraform-provider-dcs"), s.block.description);
  absl::StrAppend(&content, "# ", type, " (", kind, ")\n\n", s.block.description, "\n\n", Example(example_path),
                  RenderSchema(s.block));
  std::string import = ReadFile(import_path);
  if (!import.empty()) {
    absl::StrAppend(&content, "## Import\n\nImport is supported using the following syntax:\n\n```shell\n", import,
                    import.back() == '\n' ? "" : "\n", "```\n\n");
    if (identity != nullptr) absl::StrAppend(&content, IdentitySection(type, *identity));
  }
  while (content.size() > 1 && content[content.size() - 2] == '\n' && content.back() == '\n') content.pop_back();
  return {folder + "/" + ShortName(type) + ".md", content};
}

DocPage FunctionPage(const Function& f, const std::string& examples_dir) {
  const FunctionDefinition& d = f.Definition();
  std::string content = FrontMatter(f.Name() + " function - terraform-provider-dcs", d.summary);
  absl::StrAppend(&content, "# function: ", f.Name(), "\n\n", d.description, "\n\n",
                  Example(absl::StrCat(examples_dir, "/functions/", f.Name(), "/function.tf")));
  std::vector<std::string> params;
  for (const auto& p : d.parameters) params.push_back(absl::StrCat(p.name, " ", TypeLabel(p.type)));
  absl::StrAppend(&content, "## Signature\n\n```text\n", f.Name(), "(", absl::StrJoin(params, ", "), ") ",
                  TypeLabel(d.return_type), "\n```\n\n## Arguments\n\n");
  int i = 1;
  for (const auto& p : d.parameters) {
    absl::StrAppend(&content, i++, ". `", p.name, "` (", TypeLabel(p.type), ") ", p.description, "\n");
  }
  return {"functions/" + f.Name() + ".md", content};
}

}  // namespace

std::string RenderSchema(const schema::Block& block) {
  std::vector<Pending> pending;
  std::string out = "## Schema\n\n" + Groups(block, "", true, pending);
  // Nested sections in breadth order; rendering one may queue deeper ones.
  for (size_t i = 0; i < pending.size(); ++i) {
    Pending p = pending[i];
    absl::StrAppend(&out, "<a id=\"", p.anchor, "\"></a>\n### Nested Schema for `", p.title, "`\n\n",
                    Groups(p.block, p.title + ".", false, pending));
  }
  return out;
}

std::vector<DocPage> RenderDocs(const Engine& engine, const std::string& examples_dir) {
  std::vector<DocPage> pages;
  const Provider& p = engine.provider();
  std::string index = FrontMatter(p.TypeName() + " Provider", p.GetSchema().block.description, Subcategory::kNone);
  // Prose the schema cannot carry (how credentials are found, every environment
  // variable) lives beside the provider example and goes between it and the schema.
  std::string sections = ReadFile(examples_dir + "/provider/sections.md");
  if (!sections.empty() && sections.back() != '\n') sections += '\n';
  absl::StrAppend(&index, "# ", p.TypeName(), " Provider\n\n", p.GetSchema().block.description, "\n\n",
                  Example(examples_dir + "/provider/provider.tf"), sections, sections.empty() ? "" : "\n",
                  RenderSchema(p.GetSchema().block));
  pages.push_back({"index.md", index});
  for (const auto& [type, r] : engine.resources()) {
    const std::string dir = examples_dir + "/resources/" + type;
    auto* with_identity = dynamic_cast<const ResourceWithIdentity*>(r.get());
    pages.push_back(TypePage("Resource", "resources", type, r->GetSchema(), dir + "/resource.tf", dir + "/import.sh",
                             with_identity ? &with_identity->GetIdentitySchema() : nullptr));
  }
  for (const auto& [type, d] : engine.data_sources()) {
    const std::string dir = examples_dir + "/data-sources/" + type;
    pages.push_back(TypePage("Data Source", "data-sources", type, d->GetSchema(), dir + "/data-source.tf", ""));
  }
  for (const auto& [name, f] : engine.functions()) pages.push_back(FunctionPage(*f, examples_dir));
  return pages;
}

}  // namespace dcs::framework
