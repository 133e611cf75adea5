"""Write lib/data/swedish_names.txt: common Swedish given names and surnames, for the name warning
of lib/sensitive_text/names.py.

The lists are those of Faker's sv_SE person provider (MIT licence), which come from public name
statistics: the 500 most common given names of women and of men from Isof (Institutet för språk och
folkminnen, 2023) and the 500 most common surnames from Skatteverket (2025). Faker is not a
dependency of Insyn: run this with any Faker install, for instance straight from its wheel:

    PYTHONPATH=faker-40.63.0-py3-none-any.whl python lib/data/make_swedish_names.py > lib/data/swedish_names.txt
"""

from __future__ import annotations

import sys

import faker
from faker.providers.person.sv_SE import Provider


def main() -> None:
    given = sorted(set(Provider.first_names_female) | set(Provider.first_names_male))
    surnames = sorted(set(Provider.last_names))
    out = sys.stdout
    out.write(
        "# Common Swedish given names and surnames, one a line, for the name warning of lib/sensitive_text/names.py.\n"
        "# Given names: the 500 most common of women and of men, Isof (Institutet för språk och folkminnen),\n"
        "#   name statistics 2023, https://www.isof.se/namn/personnamn/namnstatistik\n"
        "# Surnames: the 500 most common, Skatteverket, name statistics 2025,\n"
        "#   https://skatteverket.se/privat/folkbokforing/namn/bytaefternamn/"
        "sokblanddevanligasteefternamnen.4.515a6be615c637b9aa48e09.html\n"
        f"# Taken from Faker {faker.VERSION}, faker/providers/person/sv_SE (MIT licence, Copyright (c) 2012\n"
        "#   Daniele Faraglia), which carries these lists. Faker is not a dependency of Insyn.\n"
        "# Produced by (any Faker install will do; here straight from its wheel):\n"
        f"#   PYTHONPATH=faker-{faker.VERSION}-py3-none-any.whl python lib/data/make_swedish_names.py"
        " > lib/data/swedish_names.txt\n"
        "# Do not edit by hand: change the script and run it again.\n"
    )
    out.write(f"[given] {len(given)}\n")
    out.writelines(f"{name}\n" for name in given)
    out.write(f"[surname] {len(surnames)}\n")
    out.writelines(f"{name}\n" for name in surnames)


if __name__ == "__main__":
    main()
