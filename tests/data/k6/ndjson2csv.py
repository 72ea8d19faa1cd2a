"""How vX-c_json_out.csv were made: k6 NDJSON Points written as k6's
internal/output/csv/output.go (SampleToRow) writes them. Not run by the
tests. Usage: python3 ndjson2csv.py vX/c_json_out/raw.ndjson >vX-c_json_out.csv
"""
import csv
import datetime
import json
import sys

# k6's default system tags that are CSV columns, sorted as k6 sorts them.
RES = ("check,error,error_code,expected_response,group,method,name,proto,"
       "scenario,service,status,subproto,tls_version,url").split(",")

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["metric_name", "timestamp", "metric_value"] + RES + ["extra_tags", "metadata"])
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "Point":
        continue
    d = o["data"]
    ts = int(datetime.datetime.strptime(d["time"][:19], "%Y-%m-%dT%H:%M:%S")
             .replace(tzinfo=datetime.timezone.utc).timestamp())
    tags = d.get("tags") or {}
    extra = "&".join("%s=%s" % (k, v) for k, v in tags.items() if k not in RES)
    meta = "&".join("%s=%s" % (k, v) for k, v in (d.get("metadata") or {}).items())
    w.writerow([o["metric"], str(ts), "%f" % d["value"]] + [tags.get(k, "") for k in RES] + [extra, meta])
