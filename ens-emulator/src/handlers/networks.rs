//! Networks and vSwitches, so that instances' `VSwitchId` and `PrivateIpAddress` are checked
//! against real address blocks. These operations have no spec yet (only api-docs metadata):
//! their parameters are checked by `validate::check_metadata` until the generated validators
//! arrive, and read here from the wire map either way.

use super::{Ctx, Input, page};
use crate::clock::iso;
use crate::errors::ApiError;
use crate::net::{Cidr, parse_ip};
use crate::request::WireMap;
use crate::state::{Network, VSwitch};
use serde_json::{Value, json};

/// The blocks CreateNetwork's reference allows (their subnets too).
const PRIVATE_BLOCKS: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

pub(crate) fn create_network(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let region = input.required("EnsRegionId")?;
    if ctx.world.region(&region).is_none() {
        return Err(ctx.error("InvalidEnsRegionId.NotFound", None));
    }
    let text = input.required("CidrBlock")?;
    let allowed = Cidr::parse(&text).filter(|c| {
        PRIVATE_BLOCKS
            .iter()
            .filter_map(|b| Cidr::parse(b))
            .any(|b| b.contains(*c))
    });
    if allowed.is_none() {
        return Err(ctx
            .error("InvalidParameter.CidrBlock", None)
            .recommend(format!(
                "ens-emulator: {text:?} is not a block within {}",
                PRIVATE_BLOCKS.join(", ")
            )));
    }
    let id = ctx.world.rng.id("n-", 24);
    let network = Network {
        id: id.clone(),
        region,
        name: input.string("NetworkName").unwrap_or_default(),
        cidr: text,
        description: input.string("Description").unwrap_or_default(),
        created_ms: ctx.now_ms,
        seq: ctx.world.next_seq(),
    };
    ctx.account().networks.insert(id.clone(), network);
    ctx.mutated = true;
    Ok(json!({"NetworkId": id}))
}

pub(crate) fn create_vswitch(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let region = input.required("EnsRegionId")?;
    if ctx.world.region(&region).is_none() {
        return Err(ctx.error("InvalidEnsRegionId.NotFound", None));
    }
    let Some(network_id) = input.string("NetworkId") else {
        return Err(ApiError::parameter_not_emulated(
            ctx.action,
            "NetworkId",
            "a vSwitch outside a network is not modelled; give NetworkId",
        ));
    };
    let text = input.required("CidrBlock")?;
    let account = ctx.account_ref();
    let network = account
        .and_then(|a| a.networks.get(&network_id))
        .ok_or_else(|| ctx.error("InvalidNetworkId.NotFound", None))?;
    if network.region != region {
        return Err(ctx.invalid(
            "EnsRegionId",
            &format!("network {network_id} is in {}", network.region),
        ));
    }
    let outer = Cidr::parse(&network.cidr).ok_or_else(|| ctx.error("InternalError", None))?;
    let Some(block) = Cidr::parse(&text).filter(|c| (16..=29).contains(&c.prefix)) else {
        return Err(ctx.invalid(
            "CidrBlock",
            "must be an aligned IPv4 block with a mask of 16 to 29 bits",
        ));
    };
    if !outer.contains(block) {
        return Err(ctx.invalid(
            "CidrBlock",
            &format!("{text} is not within the network's {}", network.cidr),
        ));
    }
    let clash = account
        .into_iter()
        .flat_map(|a| a.vswitches.values())
        .filter(|v| v.network_id == network_id)
        .find(|v| Cidr::parse(&v.cidr).is_some_and(|c| c.overlaps(block)));
    if let Some(other) = clash {
        return Err(ctx.invalid(
            "CidrBlock",
            &format!("{text} overlaps {} ({})", other.id, other.cidr),
        ));
    }
    let id = ctx.world.rng.id("vsw-", 24);
    let vswitch = VSwitch {
        id: id.clone(),
        region,
        network_id,
        name: input.string("VSwitchName").unwrap_or_default(),
        cidr: text,
        description: input.string("Description").unwrap_or_default(),
        created_ms: ctx.now_ms,
        seq: ctx.world.next_seq(),
    };
    ctx.account().vswitches.insert(id.clone(), vswitch);
    ctx.mutated = true;
    Ok(json!({"VSwitchId": id}))
}

pub(crate) fn describe_networks(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let ids = input.list("NetworkIds")?;
    let regions = input.list("EnsRegionIds")?;
    let eq = |name: &str, value: &str| input.text(name).is_none_or(|want| want == value);
    let account = ctx.account_ref();
    let mut found: Vec<&Network> = account
        .into_iter()
        .flat_map(|a| a.networks.values())
        .filter(|n| ids.as_ref().is_none_or(|ids| ids.contains(&n.id)))
        .filter(|n| regions.as_ref().is_none_or(|r| r.contains(&n.region)))
        .filter(|n| {
            eq("NetworkId", &n.id) && eq("EnsRegionId", &n.region) && eq("NetworkName", &n.name)
        })
        .collect();
    found.sort_by_key(|n| n.seq);
    let (page, number, size, total) = page(found, &input, 50)?;
    let networks: Vec<Value> = page
        .iter()
        .map(|n| {
            let vswitches: Vec<&str> = account
                .into_iter()
                .flat_map(|a| a.vswitches.values())
                .filter(|v| v.network_id == n.id)
                .map(|v| v.id.as_str())
                .collect();
            json!({
                "NetworkId": n.id,
                "NetworkName": n.name,
                "EnsRegionId": n.region,
                "CidrBlock": n.cidr,
                "Status": "Available",
                "Description": n.description,
                // The reference example shows milliseconds since the epoch, as text.
                "CreatedTime": n.created_ms.to_string(),
                "VSwitchIds": {"VSwitchId": vswitches},
                "RouterTableId": format!("rtb-{}", &n.id[2..]),
                "NetworkAclId": "",
            })
        })
        .collect();
    Ok(json!({
        "PageNumber": number,
        "PageSize": size,
        "TotalCount": total,
        "Networks": {"Network": networks},
    }))
}

pub(crate) fn describe_vswitches(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let ids = input.list("VSwitchIds")?;
    let regions = input.list("EnsRegionIds")?;
    let eq = |name: &str, value: &str| input.text(name).is_none_or(|want| want == value);
    let account = ctx.account_ref();
    let mut found: Vec<&VSwitch> = account
        .into_iter()
        .flat_map(|a| a.vswitches.values())
        .filter(|v| ids.as_ref().is_none_or(|ids| ids.contains(&v.id)))
        .filter(|v| regions.as_ref().is_none_or(|r| r.contains(&v.region)))
        .filter(|v| {
            eq("VSwitchId", &v.id)
                && eq("EnsRegionId", &v.region)
                && eq("NetworkId", &v.network_id)
                && eq("VSwitchName", &v.name)
        })
        .collect();
    found.sort_by_key(|v| v.seq);
    let (page, number, size, total) = page(found, &input, 50)?;
    let vswitches: Vec<Value> = page
        .iter()
        .map(|v| {
            let used = account
                .into_iter()
                .flat_map(|a| a.instances.values())
                .filter(|i| {
                    i.vswitch_id.as_deref() == Some(v.id.as_str())
                        && parse_ip(&i.private_ip).is_some()
                })
                .count();
            let hosts = Cidr::parse(&v.cidr).map_or(0, |c| c.hosts().count());
            json!({
                "VSwitchId": v.id,
                "VSwitchName": v.name,
                "EnsRegionId": v.region,
                "NetworkId": v.network_id,
                "CidrBlock": v.cidr,
                "Status": "Available",
                "FreeIpCount": hosts.saturating_sub(used),
                "Description": v.description,
                "CreatedTime": iso(v.created_ms),
            })
        })
        .collect();
    Ok(json!({
        "PageNumber": number,
        "PageSize": size,
        "TotalCount": total,
        "VSwitches": {"VSwitch": vswitches},
    }))
}

/// Refused while instances use it. The reference documents no code for that; the emulator
/// answers `DependencyViolation.Instance` (in the style of DeleteNetwork's
/// `DependencyViolation.VSwitch`).
pub(crate) fn delete_vswitch(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let id = Input::new(p, ctx.action).required("VSwitchId")?;
    let account = ctx.account_ref();
    if account.is_none_or(|a| !a.vswitches.contains_key(&id)) {
        return Err(ctx.error("InvalidVSwitchId.NotFound", None));
    }
    if let Some(user) = account
        .into_iter()
        .flat_map(|a| a.instances.values())
        .find(|i| i.vswitch_id.as_deref() == Some(id.as_str()))
    {
        return Err(ApiError::from_row(
            400,
            "DependencyViolation.Instance",
            "Specified vswitch has instance.",
            None,
        )
        .recommend(format!("ens-emulator: release {} first", user.id)));
    }
    ctx.account().vswitches.remove(&id);
    ctx.mutated = true;
    Ok(json!({}))
}

pub(crate) fn delete_network(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let id = Input::new(p, ctx.action).required("NetworkId")?;
    let account = ctx.account_ref();
    if account.is_none_or(|a| !a.networks.contains_key(&id)) {
        return Err(ctx.error("InvalidNetworkId.NotFound", None));
    }
    if account.is_some_and(|a| a.vswitches.values().any(|v| v.network_id == id)) {
        return Err(ctx.error("DependencyViolation.VSwitch", None));
    }
    ctx.account().networks.remove(&id);
    ctx.mutated = true;
    Ok(json!({}))
}
