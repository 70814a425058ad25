#!/usr/bin/env bash
# deploy-layer.sh: publishes the profiler layer ZIP of this package and attaches it to a
# .NET Lambda function, merging the variables of function-environment.json.
#
#   ./deploy-layer.sh [--dry-run] [--force] [--s3-bucket BUCKET] LAYER_NAME FUNCTION_NAME REGION
#
# Needs only bash, the AWS CLI (v1 or v2) and jq. Honours AWS_ENDPOINT_URL (and the usual
# AWS_PROFILE / credentials). Does what `net-profiler lambda instrument --zip` does, with
# the same refusals in the same order and the same merge:
#   - refuses (exit 1, nothing changed) an Image function, a runtime other than dotnet8 /
#     dotnet10 or not built into the layer, another architecture, more than 5 layers,
#     variables over 4 KB, a reserved variable, or another AWS_LAMBDA_EXEC_WRAPPER
#     (replace it with --force);
#   - replaces an older version of the same layer in place, keeps every other layer in
#     order, keeps every variable the function has;
#   - records on the function (tags net-profiler:record:*) what it set and replaced, so
#     `net-profiler lambda uninstrument FUNCTION` takes out exactly that, from any machine;
#   - updates layers and variables in one call, retrying while Lambda reports an update
#     in progress, and waits until LastUpdateStatus is Successful.
# Not done here (the SDK does it): the 250 MB unzipped check of function plus layers.
# Exit codes: 0 done, 1 refused, 2 usage, 3 an AWS call failed.
set -euo pipefail

prog=deploy-layer.sh
usage() {
  echo "usage: $prog [--dry-run] [--force] [--s3-bucket BUCKET] LAYER_NAME FUNCTION_NAME REGION" >&2
  exit 2
}

dry_run=0
force=0
s3_bucket="${DEPLOY_S3_BUCKET:-}"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --force) force=1 ;;
    --s3-bucket)
      [ $# -ge 2 ] || usage
      s3_bucket="$2"
      shift
      ;;
    -h | --help)
      while IFS= read -r line; do
        case "$line" in
          '#!'*) continue ;;
          '#'*) line="${line#\#}"; printf '%s\n' "${line# }" ;;
          *) break ;;
        esac
      done <"$0"
      exit 0
      ;;
    -*)
      echo "$prog: unknown option $1" >&2
      usage
      ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ "${#args[@]}" -eq 3 ] || usage
layer_name="${args[0]}"
function_name="${args[1]}"
region="${args[2]}"
if ! [[ "$layer_name" =~ ^[A-Za-z0-9_-]{1,140}$ ]]; then
  echo "$prog: layer name '$layer_name' is not valid (letters, digits, - and _, up to 140)" >&2
  exit 2
fi

for tool in aws jq; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$prog: $tool is required (install the AWS CLI v1 or v2, and jq)" >&2
    exit 3
  fi
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The layer ZIP of this package (not the package ZIP itself).
layer_zip=""
for f in "$here"/profiler-lambda-layer-*-linux-*.zip; do
  case "$f" in
    *-package.zip) continue ;;
  esac
  [ -f "$f" ] || continue
  if [ -n "$layer_zip" ]; then
    echo "$prog: more than one layer ZIP in $here ($layer_zip, $f); keep one" >&2
    exit 1
  fi
  layer_zip="$f"
done
if [ -z "$layer_zip" ]; then
  echo "$prog: no profiler-lambda-layer-VERSION-linux-ARCH.zip in $here" >&2
  exit 1
fi

manifest_file="$here/layer/profiler/manifest.json"
if [ ! -f "$manifest_file" ]; then
  echo "$prog: $manifest_file is missing (the layer/ folder of the package)" >&2
  exit 1
fi
if ! manifest="$(jq -ce 'select(.arch == "arm64" or .arch == "x64")
    | select((.runtimes | type) == "array" and (.runtimes | length) > 0
             and all(.runtimes[]; . == "dotnet8" or . == "dotnet10"))' "$manifest_file")"; then
  echo "$prog: $manifest_file has no valid arch and runtimes" >&2
  exit 1
fi
arch="$(jq -r '.arch' <<<"$manifest")"
version="$(jq -r '.version // "unknown"' <<<"$manifest")"
case "$layer_zip" in
  *"-linux-$arch.zip") ;;
  *)
    echo "$prog: $layer_zip does not match the manifest's arch $arch" >&2
    exit 1
    ;;
esac
lambda_arch=arm64
[ "$arch" = x64 ] && lambda_arch=x86_64
runtimes_json="$(jq -c '.runtimes | unique' <<<"$manifest")"

env_file="$here/function-environment.json"
if [ ! -f "$env_file" ]; then
  echo "$prog: $env_file is missing" >&2
  exit 1
fi
if ! variables="$(jq -ce '.Variables | select(type == "object" and all(.[]; type == "string"))' "$env_file")"; then
  echo "$prog: $env_file must be {\"Variables\": {\"NAME\": \"value\", ...}}" >&2
  exit 1
fi

# --- AWS calls -------------------------------------------------------------------------
export AWS_PAGER=""
aws_args=(--region "$region" --output json)
if [ -n "${AWS_ENDPOINT_URL:-}" ]; then
  aws_args+=(--endpoint-url "$AWS_ENDPOINT_URL")
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# awsj DOING STATE ARGS...: runs the AWS CLI and prints its JSON answer; on failure says
# what was being done and what that means for the function, and exits 3.
awsj() {
  local doing="$1" state="$2"
  shift 2
  if aws "${aws_args[@]}" "$@" >"$work/out" 2>"$work/err"; then
    printf '%s\n' "$(<"$work/out")"
    return 0
  fi
  local err
  err="$(<"$work/err")"
  echo "$prog: error while $doing: ${err//$'\n'/ }" >&2
  [ -n "$state" ] && echo "$prog: $state" >&2
  exit 3
}

fn_json="$(awsj "reading the function $function_name" "Nothing was changed." lambda get-function --function-name "$function_name")"
function_arn="$(jq -r '.Configuration.FunctionArn' <<<"$fn_json")"
# arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME
layer_base="$(jq -r --arg n "$layer_name" '.Configuration.FunctionArn | split(":") | "\(.[0]):\(.[1]):lambda:\(.[3]):\(.[4]):layer:\($n)"' <<<"$fn_json")"

# The version number does not matter to the checks (only the layer's name does); a dry run
# asks Lambda which number the layer would get.
next_version=1
if [ "$dry_run" = 1 ]; then
  next_version="$(awsj "listing the versions of layer $layer_name" "Nothing was changed." lambda list-layer-versions --layer-name "$layer_name" |
    jq '[.LayerVersions[]?.Version] | (max // 0) + 1')"
fi

# The plan, in jq: the same rules, order and merge as net-profiler's planInstrument.
# shellcheck disable=SC2016 # jq program, not shell
plan_jq='
def unver: split(":") | if length == 8 then .[0:7] else . end | join(":");
def reserved: ["_HANDLER","_X_AMZN_TRACE_ID","AWS_DEFAULT_REGION","AWS_REGION","AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME","AWS_LAMBDA_FUNCTION_MEMORY_SIZE","AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE","AWS_LAMBDA_LOG_GROUP_NAME","AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY","AWS_ACCESS_KEY_ID","AWS_SECRET_ACCESS_KEY","AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API","LAMBDA_TASK_ROOT","LAMBDA_RUNTIME_DIR","TZ"];
def refuse($code; $msg): {refusal: {code: $code, message: $msg}};
def record:
  (.Tags // {}) as $t
  | if $t["net-profiler:record:n"] == null then null
    else ($t["net-profiler:record:n"] | tonumber) as $n
      | [range(0; $n) | $t["net-profiler:record:\(.)"]]
      | if any(.[]; . == null) then error("the net-profiler record tags are damaged") else add end
      | @base64d | fromjson
    end;
.Configuration as $c
| record as $rec
| ($c.FunctionName) as $name
| ($c.Environment.Variables // {}) as $env
| ([$c.Layers[]?.Arn]) as $layers
| ($c.Architectures[0] // "x86_64") as $farch
| ($newarn | unver) as $newname
| if $c.PackageType == "Image" then
    refuse("package-type-image"; "\($name) is a container image function; Lambda does not attach layers to those")
  elif ($c.Runtime != "dotnet8" and $c.Runtime != "dotnet10") then
    refuse("unsupported-runtime"; "\($name) runs \($c.Runtime // "no managed runtime"); the profiler layer supports dotnet8 and dotnet10")
  elif ($runtimes | index($c.Runtime)) == null then
    refuse("unsupported-runtime"; "\($name) runs \($c.Runtime), but the layer was built for \($runtimes | join(", ")) only")
  elif $farch != $larch then
    refuse("architecture-mismatch"; "\($name) runs on \($farch), but the layer is built for \($larch)")
  else
    (reduce $layers[] as $a ({out: [], placed: false};
        if (($a | unver) == $newname or ($rec != null and ($a | unver) == $rec.layer)) then
          if .placed then . else .out += [$newarn] | .placed = true end
        else .out += [$a] end)
      | if .placed then .out else .out + [$newarn] end) as $after
    | if ($after | length) > 5 then
        refuse("too-many-layers"; "\($name) would have \($after | length) layers; Lambda allows 5")
      else
        (reduce ($vars | to_entries[]) as $kv (
            {env: $env, set: ($rec.set // {}), was: ($rec.was // {}), added: {}, changed: {}, conflict: null, kept: []};
            $env[$kv.key] as $cur
            | if $cur == null then
                .env[$kv.key] = $kv.value | .added[$kv.key] = $kv.value | .set[$kv.key] = $kv.value | .was |= del(.[$kv.key])
              elif $cur == $kv.value then .
              elif $kv.key == "AWS_LAMBDA_EXEC_WRAPPER" then
                if (($rec.set // {})[$kv.key]) == $cur then
                  .env[$kv.key] = $kv.value | .changed[$kv.key] = {from: $cur, to: $kv.value} | .set[$kv.key] = $kv.value
                else
                  .conflict = $cur | .env[$kv.key] = $kv.value | .changed[$kv.key] = {from: $cur, to: $kv.value}
                  | .set[$kv.key] = $kv.value | .was[$kv.key] = $cur
                end
              else .kept += [$kv.key] end)) as $m
        | ($m.env | tojson | utf8bytelength) as $bytes
        | ([$vars | keys_unsorted[] | select(. as $k | reserved | index($k))]) as $res
        | if $bytes > 4096 then
            refuse("environment-too-large"; "\($name)'"'"'s variables would take \($bytes) bytes; Lambda allows 4096 in all")
          elif ($res | length) > 0 then
            refuse("reserved-variable"; "\($res | join(", ")) reserved by Lambda and cannot be set on a function")
          elif $m.conflict != null and ($force | not) then
            refuse("wrapper-conflict"; "\($name) already has AWS_LAMBDA_EXEC_WRAPPER=\($m.conflict), another wrapper; pass --force to replace it (uninstrument gives it back)")
          else
            {layersBefore: $layers, layersAfter: $after, variables: $m.env, added: $m.added, changed: $m.changed,
             kept: $m.kept, conflict: $m.conflict, oldRecord: $rec,
             record: {v: 1, layer: $newname, set: $m.set, was: $m.was}}
          end
      end
  end'

make_plan() {
  local newarn="$1"
  jq -c --arg newarn "$newarn" --arg larch "$lambda_arch" --argjson runtimes "$runtimes_json" \
    --argjson vars "$variables" --argjson force "$([ "$force" = 1 ] && echo true || echo false)" \
    "$plan_jq" <<<"$fn_json"
}

if ! plan="$(make_plan "$layer_base:$next_version")"; then
  echo "$prog: cannot read $function_name's configuration or its net-profiler record" >&2
  exit 1
fi
if [ "$(jq -r '.refusal.code // empty' <<<"$plan")" != "" ]; then
  echo "$prog: refused $(jq -r '.refusal.code' <<<"$plan"): $(jq -r '.refusal.message' <<<"$plan")" >&2
  echo "$prog: nothing was changed." >&2
  exit 1
fi

print_plan() {
  jq -r '
    "layers before:", (if (.layersBefore | length) == 0 then "  (none)" else .layersBefore[] | "  \(.)" end),
    "layers after:", (.layersAfter[] | "  \(.)"),
    "variables:",
    (.added | to_entries[] | "  + \(.key)=\(.value)"),
    (.changed | to_entries[] | "  ~ \(.key)=\(.value.to) (was \(.value.from))"),
    (.kept[] | "  kept your \(.) (not changed)")' <<<"$1"
}

if [ "$dry_run" = 1 ]; then
  echo "dry run: nothing changed; the layer would be published as $layer_base:$next_version"
  print_plan "$plan"
  exit 0
fi

# --- publish ------------------------------------------------------------------------------
zip_bytes="$(wc -c <"$layer_zip")"
zip_bytes="${zip_bytes//[!0-9]/}"
description="net_profiler_rust $version ($arch; $(jq -r 'join(", ")' <<<"$runtimes_json"))"
mapfile -t runtime_list < <(jq -r '.[]' <<<"$runtimes_json")
# Lambda's limit for a ZIP sent with the request; NP_DIRECT_UPLOAD_LIMIT lowers it (tests).
direct_limit="${NP_DIRECT_UPLOAD_LIMIT:-$((50 * 1024 * 1024))}"
if [ "$zip_bytes" -gt "$direct_limit" ]; then
  if [ -z "$s3_bucket" ]; then
    echo "$prog: refused: $layer_zip is $zip_bytes bytes, above Lambda's 50 MB direct-upload limit; name a bucket with --s3-bucket BUCKET (or DEPLOY_S3_BUCKET)" >&2
    exit 1
  fi
  s3_key="net-profiler/layers/$layer_name/${layer_zip##*/}"
  awsj "uploading $layer_zip to s3://$s3_bucket/$s3_key" "Nothing was changed." s3 cp "$layer_zip" "s3://$s3_bucket/$s3_key" >/dev/null
  published="$(awsj "publishing layer $layer_name" "Nothing was changed." lambda publish-layer-version \
    --layer-name "$layer_name" --description "$description" --content "S3Bucket=$s3_bucket,S3Key=$s3_key" \
    --compatible-runtimes "${runtime_list[@]}" --compatible-architectures "$lambda_arch")"
else
  published="$(awsj "publishing layer $layer_name" "Nothing was changed." lambda publish-layer-version \
    --layer-name "$layer_name" --description "$description" --zip-file "fileb://$layer_zip" \
    --compatible-runtimes "${runtime_list[@]}" --compatible-architectures "$lambda_arch")"
fi
layer_arn="$(jq -r '.LayerVersionArn' <<<"$published")"
echo "published $layer_arn ($arch; $(jq -r 'join(", ")' <<<"$runtimes_json"))"

plan="$(make_plan "$layer_arn")"
if [ "$(jq -r '.refusal.code // empty' <<<"$plan")" != "" ]; then
  echo "$prog: refused $(jq -r '.refusal.code' <<<"$plan"): $(jq -r '.refusal.message' <<<"$plan")" >&2
  echo "$prog: the function was not changed; the layer was published as $layer_arn." >&2
  exit 1
fi

# --- record (tags), then the configuration ------------------------------------------------
# shellcheck disable=SC2016 # jq program, not shell
new_tags="$(jq -c '.record | tojson | @base64 as $b
  | [range(0; $b | length; 256) as $i | $b[$i:$i + 256]] as $parts
  | reduce range(0; $parts | length) as $i ({}; .["net-profiler:record:\($i)"] = $parts[$i])
  | .["net-profiler:record:n"] = ($parts | length | tostring)' <<<"$plan")"
if [ "$(jq -c '.oldRecord == .record' <<<"$plan")" != true ]; then
  awsj "recording on $function_name what was set (tags)" "The function's configuration was not changed; the layer was published as $layer_arn." \
    lambda tag-resource --resource "$function_arn" --tags "$new_tags" >/dev/null
fi

changes="$(jq -r 'if .layersAfter == .layersBefore and (.added | length) == 0 and (.changed | length) == 0 then "no" else "yes" end' <<<"$plan")"
if [ "$changes" = yes ]; then
  update_input="$(jq -c --arg fn "$function_arn" '{FunctionName: $fn, Layers: .layersAfter, Environment: {Variables: .variables}}' <<<"$plan")"
  delay=1
  waited=0
  while :; do
    if aws "${aws_args[@]}" lambda update-function-configuration --cli-input-json "$update_input" >"$work/out" 2>"$work/err"; then
      break
    fi
    err="$(<"$work/err")"
    if [[ "$err" == *ResourceConflictException* || "$err" == *TooManyRequestsException* ]] && [ "$waited" -lt 300 ]; then
      sleep "$delay"
      waited=$((waited + delay))
      delay=$((delay * 2 > 8 ? 8 : delay * 2))
      continue
    fi
    echo "$prog: error while updating $function_name: ${err//$'\n'/ }" >&2
    echo "$prog: the update (layers and variables together) may not have been applied; 'net-profiler lambda status $function_name' shows where it stands, and running this again completes it." >&2
    exit 3
  done
  delay=1
  waited=0
  while :; do
    cfg="$(awsj "waiting for $function_name to finish updating" "The update was accepted by Lambda." lambda get-function-configuration --function-name "$function_arn")"
    status="$(jq -r '.LastUpdateStatus // "Successful"' <<<"$cfg")"
    [ "$status" = Successful ] && break
    if [ "$status" = Failed ]; then
      echo "$prog: Lambda could not apply the update: $(jq -r '"\(.LastUpdateStatusReasonCode // "") \(.LastUpdateStatusReason // "")"' <<<"$cfg")" >&2
      exit 3
    fi
    if [ "$waited" -ge 300 ]; then
      echo "$prog: $function_name was still updating after $waited s; check it later with 'net-profiler lambda status $function_name'" >&2
      exit 3
    fi
    sleep "$delay"
    waited=$((waited + delay))
    delay=$((delay * 2 > 8 ? 8 : delay * 2))
  done
fi

# Parts of an older, longer record that the new one does not use.
stale="$(jq -r --argjson new "$new_tags" '(.Tags // {}) | keys[] | select(startswith("net-profiler:record:")) | select($new[.] == null)' <<<"$fn_json")"
if [ -n "$stale" ]; then
  mapfile -t stale_keys <<<"$stale"
  aws "${aws_args[@]}" lambda untag-resource --resource "$function_arn" --tag-keys "${stale_keys[@]}" >/dev/null 2>&1 || true
fi

echo "attached to $function_name:"
print_plan "$plan"
if [ "$(jq -r '.conflict // empty' <<<"$plan")" != "" ]; then
  echo "replaced AWS_LAMBDA_EXEC_WRAPPER=$(jq -r '.conflict' <<<"$plan") (--force); 'net-profiler lambda uninstrument $function_name' gives it back"
fi
