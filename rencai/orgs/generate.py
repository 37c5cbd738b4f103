"""Synthetic unit registry for benchmarks and demos (`rencai gen-units N FILE.csv`).

Names look like Guangzhou registrations ("广州市天河区鑫华信息科技有限公司",
"华盛电子（广州）有限公司", "广州市海珠区第3中学"); brand words come from Faker's
zh_CN company provider plus common brand characters. Codes are unique by
construction (an index-based bijection for the 8-character organisation body),
carry valid GB 11714 and GB 32100 check characters, and include letter
registration authorities (N2 村级集体经济组织, Y1) and legacy 9-character codes.
About 2 % of the units have former names. No database is needed.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import json
import random
from pathlib import Path

from faker import Faker

from rencai.orgs.importer import COLUMNS
from rencai.orgs.validators import USCC_ALPHABET, org_code_check_char, uscc_check_char

DATA = Path(__file__).parent / "data" / "offices.json"
BRAND_CHARS = (
    "鑫华达盛通泰恒信源宏丰瑞博创星海天明金立新中德汇嘉永安广利佳诚元兴合联富乐力美优科迅"
    "东南北西诺智云腾飞龙凯润朗晟颐康健睿思远航宇锦程捷易弘基正大光辉融聚鼎誉祥卓越"
)
INDUSTRIES = [
    "科技",
    "网络科技",
    "信息科技",
    "传媒",
    "贸易",
    "电子",
    "软件",
    "物流",
    "餐饮管理",
    "教育咨询",
    "建筑工程",
    "医疗器械",
    "生物科技",
    "人力资源",
    "文化传播",
    "房地产开发",
    "投资",
    "物业管理",
    "新材料",
    "汽车服务",
    "环保科技",
    "食品",
    "服装",
    "酒店管理",
    "设计",
    "电子商务",
    "供应链管理",
    "机电设备",
    "检测技术",
    "广告",
    "智能科技",
    "数据科技",
    "装饰工程",
    "化工",
    "印刷",
    "旅行社",
    "会计服务",
]
SUFFIXES = ["有限公司"] * 8 + ["有限责任公司", "股份有限公司", "集团有限公司", "商行", "经营部"]
ROADS = [
    "中山",
    "解放",
    "环市",
    "天河",
    "黄埔",
    "东风",
    "江南",
    "工业",
    "广园",
    "新港",
    "沿江",
    "华夏",
    "花城",
    "科韵",
    "体育",
]
# (authority+type, share, nature, level)
KINDS = [
    ("91", 0.70, "private", "district"),
    ("91", 0.06, "foreign", "district"),
    ("91", 0.03, "district_soe", "district"),
    ("91", 0.01, "city_soe", "city"),
    ("92", 0.05, "private", "district"),
    ("93", 0.01, "other", "district"),
    ("12", 0.035, "institution", "district"),
    ("12", 0.01, "institution", "city"),
    ("11", 0.01, "organ", "district"),
    ("11", 0.005, "organ", "city"),
    ("52", 0.02, "social", "district"),
    ("51", 0.01, "social", "district"),
    ("N2", 0.01, "other", "district"),
    ("Y1", 0.005, "other", "district"),
    ("legacy", 0.045, "private", "district"),
]


def _org_body(index: int, letters: bool) -> str:
    if letters:  # newer codes: "MA" + 6 characters, base 31
        digits = []
        n = (index * 7919 + 104729) % 31**6
        for _ in range(6):
            n, r = divmod(n, 31)
            digits.append(USCC_ALPHABET[r])
        return "MA" + "".join(reversed(digits))
    return f"{(index * 48271 + 12345) % 10**8:08d}"


def make_code(index: int, kind: str, region: str, rng: random.Random) -> str:
    body = _org_body(index, letters=kind == "91" and rng.random() < 0.3)
    org = body + org_code_check_char(body)
    if kind == "legacy":
        return org
    first17 = kind + region + org
    return first17 + uscc_check_char(first17)


def units_generate(n: int, path: Path, *, seed: int = 20240601) -> int:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    districts = [(row[0], row[1]) for row in data["districts"]]
    departments = [f"dept-{row[0]}" for row in data["supervisory"]]
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    prefixes = list(fake.provider("faker.providers.company").company_prefixes)
    brands = prefixes + ["".join(rng.sample(BRAND_CHARS, 2)) for _ in range(3000)]
    brands += ["".join(rng.sample(BRAND_CHARS, 3)) for _ in range(1000)]
    cumulative = list(itertools.accumulate(k[1] for k in KINDS))
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for i in range(n):
            pick = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            kind_code, _share, nature, level = KINDS[min(pick, len(KINDS) - 1)]
            district_code, district_name = districts[rng.randrange(len(districts))]
            code = make_code(i, kind_code, district_code, rng)
            name = _name(rng, brands, nature, district_name)
            former = ""
            if rng.random() < 0.02:
                former = "|".join(
                    _name(rng, brands, nature, district_name) for _ in range(rng.choice((1, 1, 2)))
                )
            writer.writerow(
                [
                    code,
                    name,
                    nature,
                    level,
                    district_code,
                    rng.choice(departments) if level == "city" else "",
                    f"020-{rng.randrange(20000000, 89999999)}",
                    f"广州市{district_name}{rng.choice(ROADS)}路{rng.randrange(1, 999)}号",
                    former,
                ]
            )
    return n


def _name(rng: random.Random, brands: list[str], nature: str, district: str) -> str:
    brand = rng.choice(brands)
    if nature == "organ":
        return f"广州市{district}{brand}街道办事处"
    if nature == "institution":
        return rng.choice(
            (
                f"广州市{district}第{rng.randrange(1, 120)}中学",
                f"广州市{district}{brand}小学",
                f"广州市{district}{brand}社区卫生服务中心",
                f"广州市{brand}研究院",
            )
        )
    if nature == "social":
        return f"广州市{brand}{rng.choice(INDUSTRIES)}协会"
    industry = rng.choice(INDUSTRIES)
    suffix = rng.choice(SUFFIXES)
    form = rng.random()
    if form < 0.45:
        return f"广州市{district}{brand}{industry}{suffix}"
    if form < 0.75:
        return f"广州{brand}{industry}{suffix}"
    if form < 0.9:
        return f"广州市{brand}{industry}{suffix}"
    return f"{brand}{industry}（广州）{suffix}"
