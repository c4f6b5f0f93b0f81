"""Small valid inputs shared by the bad-input and hostile-input tests."""

SYSTEM = """\
name: 测试体系
total: 100
indicators:
  - code: "1"
    name: 产出
    points: 60
    children:
      - {code: "1.1", name: 完成率, points: 30, target: "≥95%", rule: positive}
      - {code: "1.2", name: 服务人次, points: 30, target: "≥735人次", rule: positive}
  - code: "2"
    name: 效益
    points: 40
    children:
      - {code: "2.1", name: 社会效益, points: 40, rule: qualitative}
"""
EVIDENCE = """\
indicators:
  "1.1": {actual: "96%"}
  "1.2": {actual: "800人次"}
  "2.1": {actual: 达成年度指标}
"""
