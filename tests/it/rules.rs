//! The shipped rule pack as a whole: every example holds, and the catalogue follows its
//! conventions (ids, docs, basis, examples).

use fundwatch::rule::{self, example};

#[test]
fn every_shipped_rule_passes_its_examples() {
    let set = rule::load_rules(&[], false, &[]).unwrap_or_else(|errors| {
        panic!(
            "shipped pack does not load:\n{}",
            errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let results = example::test_all(&set);
    let failures: Vec<String> = results
        .iter()
        .filter(|t| !t.passed())
        .map(|t| {
            format!(
                "{} ({}):\n  {}",
                t.rule_id,
                t.source,
                t.failures.join("\n  ")
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "rule examples failed:\n{}",
        failures.join("\n")
    );
    assert!(
        set.rules.len() >= 20,
        "the negative list has {} rules",
        set.rules.len()
    );
}

#[test]
fn catalogue_conventions() {
    let set = rule::load_rules(&[], false, &[]).expect("pack loads");
    for rule in set.rules.iter().chain(&set.retired) {
        let id = &rule.id;
        assert!(
            id.len() >= 5
                && id.contains('-')
                && id
                    .split('-')
                    .next_back()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())),
            "{id}: ids look like NEG-001"
        );
        assert!(
            !rule.docs.what.trim().is_empty() && !rule.docs.why.trim().is_empty(),
            "{id}: docs.what and docs.why are required"
        );
        assert!(
            !rule.docs.limitations.trim().is_empty(),
            "{id}: say what the rule misses (docs.limitations)"
        );
        assert!(
            !rule.basis.document.trim().is_empty(),
            "{id}: basis.document is required"
        );
        assert!(!rule.title.is_ascii(), "{id}: the title is Chinese");
        let flags = rule
            .all_example_rows()
            .filter(|e| e.expect == rule::file::Expect::Flag)
            .count();
        let oks = rule
            .all_example_rows()
            .filter(|e| e.expect == rule::file::Expect::Ok)
            .count();
        assert!(flags >= 1 && oks >= 1, "{id}: needs flag and ok examples");
    }
}

#[test]
fn legitimate_lookalikes_are_never_flagged() {
    // Rows every auditor knows are fine; no shipped rule may flag any of them.
    let set = rule::load_rules(&[], false, &[]).expect("pack loads");
    let rows = [
        ("支付银行卡年费", "其他支出", 200),
        ("提取现金备用", "库存现金", 5000),
        ("会员生日蛋糕券", "职工活动支出/会员活动支出", 9000),
        ("春节慰问品", "职工活动支出/会员活动支出", 60000),
        ("中秋节慰问品", "职工活动支出/会员活动支出", 60000),
        ("会员生病住院慰问金", "职工活动支出/会员活动支出", 1000),
        ("文体活动伙食补助", "职工活动支出/文体活动支出", 1500),
        ("职工互助保障", "职工服务支出/其他服务支出", 8000),
        ("培训期间酒店住宿", "业务支出/培训支出", 3000),
        ("银行手续费", "其他支出", 30),
    ];
    for (summary, account, amount) in rows {
        let spec: rule::ExampleSpec = toml::from_str(&format!(
            "expect = \"ok\"\nsummary = \"{summary}\"\naccount = \"{account}\"\ndebit = {amount}"
        ))
        .expect("example parses");
        for rule in &set.rules {
            let file = example::example_ledger(&spec, "lookalike").expect("row builds");
            let (flags, _) = example::flagged(rule, &set.keywords, file, None).expect("rule runs");
            assert!(!flags[0], "{} flags legitimate row 「{summary}」", rule.id);
        }
    }
}

#[test]
fn ok_examples_are_not_flagged_by_any_other_rule() {
    // An `ok` example is a legitimate row; a different rule flagging it is a false positive
    // of that rule. Draft rules are held to the same bar.
    let set = rule::load_rules(&[], false, &[]).expect("pack loads");
    let mut problems = Vec::new();
    for owner in &set.rules {
        for example in owner
            .examples
            .iter()
            .filter(|e| e.expect == rule::file::Expect::Ok)
        {
            for other in set.rules.iter().filter(|r| r.id != owner.id) {
                let file = example::example_ledger(example, &owner.source).expect("row builds");
                let (flags, _) =
                    example::flagged(other, &set.keywords, file, None).expect("rule runs");
                if flags[0] {
                    problems.push(format!(
                        "{} flags {}'s ok example 「{}」",
                        other.id, owner.id, example.summary
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "cross-rule false positives:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_auditor_guide_lists_every_shipped_rule() {
    let guide = std::fs::read_to_string(crate::root().join("rules/README.md")).unwrap();
    let set = rule::load_rules(&[], false, &[]).expect("pack loads");
    let missing: Vec<&str> = set
        .rules
        .iter()
        .chain(&set.retired)
        .map(|r| &*r.id)
        .filter(|id| !guide.contains(&format!("| {id} |")))
        .collect();
    assert!(
        missing.is_empty(),
        "add these rules to the tables in rules/README.md: {missing:?}"
    );
}
