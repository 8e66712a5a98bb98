"""Build synthetic OneRoster CSV sets in tests: a district, two schools, families, teachers."""

import csv
import io
import zipfile
from pathlib import Path

HEADERS = {
    "orgs": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
             "parentSourcedId"],
    "academicSessions": ["sourcedId", "status", "dateLastModified", "title", "type",
                         "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "courses": ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
    "classes": ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId",
                "classCode", "classType", "location", "schoolSourcedId", "termSourcedIds",
                "subjects", "subjectCodes", "periods"],
    "users": ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
              "username", "userIds", "givenName", "familyName", "middleName", "identifier",
              "email", "sms", "phone", "agentSourcedIds", "grades", "password"],
    "enrollments": ["sourcedId", "status", "dateLastModified", "classSourcedId",
                    "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                    "endDate"],
    "demographics": ["sourcedId", "status", "dateLastModified", "birthDate"],
    "roles": ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
              "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"],
}


def user(sid, org, role, given, family, *, agents="", grades="", email="", identifier=""):
    return {"sourcedId": sid, "enabledUser": "true", "orgSourcedIds": org, "role": role,
            "givenName": given, "familyName": family, "agentSourcedIds": agents,
            "grades": grades, "email": email, "identifier": identifier}


def enrollment(sid, cls, school, user_id, role, primary="false"):
    return {"sourcedId": sid, "classSourcedId": cls, "schoolSourcedId": school,
            "userSourcedId": user_id, "role": role, "primary": primary}


def realistic() -> dict[str, list[dict]]:
    """Return a district with two schools, a teacher in several classes, a family of three."""
    return {
        "orgs": [
            {"sourcedId": "d1", "name": "Lakeside District", "type": "district"},
            {"sourcedId": "s-north", "name": "North High", "type": "school",
             "parentSourcedId": "d1"},
            {"sourcedId": "s-south", "name": "South Middle", "type": "school",
             "parentSourcedId": "d1"},
        ],
        "academicSessions": [
            {"sourcedId": "y2026", "title": "2026-27", "type": "schoolYear",
             "startDate": "2026-08-24", "endDate": "2027-06-18", "schoolYear": "2027"},
        ],
        "courses": [
            {"sourcedId": "c-math", "title": "Mathematics", "courseCode": "MATH",
             "orgSourcedId": "d1", "subjects": "Mathematics"},
            {"sourcedId": "c-eng", "title": "English", "courseCode": "ENG",
             "orgSourcedId": "s-north", "subjects": "English"},
        ],
        "classes": [
            {"sourcedId": "k-math-n", "title": "Math 9A", "grades": "09",
             "courseSourcedId": "c-math", "schoolSourcedId": "s-north",
             "termSourcedIds": "y2026", "location": "R12"},
            {"sourcedId": "k-eng-n", "title": "English 9A", "grades": "09,10",
             "courseSourcedId": "c-eng", "schoolSourcedId": "s-north",
             "termSourcedIds": "y2026"},
            {"sourcedId": "k-math-s", "title": "Math 7B", "grades": "07",
             "courseSourcedId": "c-math", "schoolSourcedId": "s-south",
             "termSourcedIds": "y2026"},
        ],
        "users": [
            user("t1", "s-north,s-south", "teacher", "Maria", "Okafor",
                 email="m.okafor@lakeside.example"),
            user("t2", "s-north", "aide", "Jun", "Tanaka", email="j.tanaka@lakeside.example"),
            user("st1", "s-north", "student", "Ana", "Novák", grades="09", identifier="1001"),
            user("st2", "s-north", "student", "Björn", "Novák", grades="10", identifier="1002"),
            user("st3", "s-south", "student", "李", "小龙", grades="07", identifier="2001"),
            user("st4", "s-south", "student", "Zoë", "Adeyemi", grades="07", identifier="2002"),
            user("g1", "d1", "parent", "Petra", "Novák", agents="st1,st2,st3",
                 email="petra@family.example"),
            user("g2", "d1", "guardian", "Tomas", "Novák", agents="st1,st2"),
            user("g3", "s-south", "relative", "Ade", "Adeyemi", agents="st4",
                 email="ade@family.example"),
        ],
        "enrollments": [
            enrollment("e1", "k-math-n", "s-north", "t1", "teacher", "true"),
            enrollment("e2", "k-eng-n", "s-north", "t2", "teacher"),
            enrollment("e3", "k-math-s", "s-south", "t1", "teacher"),
            enrollment("e4", "k-math-n", "s-north", "st1", "student"),
            enrollment("e5", "k-eng-n", "s-north", "st1", "student"),
            enrollment("e6", "k-eng-n", "s-north", "st2", "student"),
            enrollment("e7", "k-math-s", "s-south", "st3", "student"),
            enrollment("e8", "k-math-s", "s-south", "st4", "student"),
        ],
        "demographics": [{"sourcedId": "st1", "birthDate": "2011-03-14"}],
    }


def manifest(files: dict, *, version="1.1", modes: dict | None = None) -> list[list[str]]:
    modes = modes or {}
    rows = [["manifest.version", "1.0"], ["oneroster.version", version]]
    return rows + [[f"file.{name}", modes.get(name, "bulk")] for name in files]


def render(name: str, rows: list[dict], *, quote_all=False, newline="\n", bom=False,
           headers: list[str] | None = None) -> bytes:
    """Return one CSV file's bytes with the given quoting, line ends and byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline,
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    header = headers or HEADERS[name]
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def write_set(directory: Path, files: dict[str, list[dict]], *, version="1.1",
              modes: dict | None = None, zip_it=False, **style) -> Path:
    """Write the set as a folder (or a zip) and return its path."""
    contents = {f"{name}.csv": render(name, rows, **style) for name, rows in files.items()}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [["propertyName", "value"], *manifest(files, version=version, modes=modes)])
    contents["manifest.csv"] = out.getvalue().encode()
    directory.mkdir(parents=True, exist_ok=True)
    if zip_it:
        path = directory / "oneroster.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in contents.items():
                archive.writestr(name, data)
        return path
    for name, data in contents.items():
        (directory / name).write_bytes(data)
    return directory


def primary_roles(users: list[dict]) -> list[dict]:
    """Return a 1.2 roles.csv giving each user of a 1.1 users.csv its role at its first org."""
    return [{"sourcedId": f"r-{u['sourcedId']}", "userSourcedId": u["sourcedId"],
             "roleType": "primary", "role": u["role"],
             "orgSourcedId": u["orgSourcedIds"].split(",")[0]} for u in users]


def write_v12_set(directory: Path, files: dict[str, list[dict]], roles: list[dict]) -> Path:
    """Write the set as OneRoster 1.2: users without role and orgs, and a roles.csv."""
    path = write_set(directory, files, version="1.2")
    v12 = [c for c in HEADERS["users"] if c not in ("role", "orgSourcedIds")]
    (path / "users.csv").write_bytes(render("users", files["users"],
                                            headers=[*v12, "preferredFirstName", "pronouns"]))
    (path / "roles.csv").write_bytes(render("roles", roles))
    with (path / "manifest.csv").open("a") as manifest:
        manifest.write("file.roles,bulk\n")
    return path
