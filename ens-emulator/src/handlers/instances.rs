//! Instances: create (CreateInstance, RunInstances), describe, start, stop, reboot, reinit,
//! release. Status checks and codes follow the reference; where it is silent the choice is
//! written next to the code.

use super::{Ctx, Input, page};
use crate::clock::iso;
use crate::errors::ApiError;
use crate::net::{Cidr, ip_text, parse_ip};
use crate::request::WireMap;
use crate::state::{ChargeType, Instance, Settle, Status, Transition};
use crate::validate::{documented_or_invalid, missing_error};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// What a create request asks for, from either creating operation.
struct Launch {
    region: String,
    instance_type: String,
    image: Option<String>,
    count: i64,
    charge: ChargeType,
    /// Subscription length in days.
    period_days: Option<i64>,
    name: Option<String>,
    host_name: Option<String>,
    unique_suffix: bool,
    network_id: Option<String>,
    vswitch_id: Option<String>,
    private_ip: Option<String>,
    system_disk_gb: i64,
    data_disks_gb: Vec<i64>,
    bandwidth_out: i64,
    public_ip: bool,
    tags: Vec<(String, String)>,
    spot_strategy: Option<String>,
    auto_release_time: Option<String>,
}

const DAY_MS: i64 = 86_400_000;
/// First address of the pool for instances outside any vSwitch (10.128.0.0/9).
const CLASSIC_POOL: u32 = 0x0A80_0000;
/// First public address handed out (198.18.0.0/15, reserved for testing).
const PUBLIC_POOL: u32 = 0xC612_0000;

pub(crate) fn create_instance(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let launch = Launch {
        region: input.required("EnsRegionId")?,
        instance_type: input.required("InstanceType")?,
        image: input.string("ImageId"),
        count: input.opt("Quantity")?.unwrap_or(1),
        charge: ChargeType::PrePaid,
        period_days: Some(input.opt::<i64>("Period")?.unwrap_or(1) * 30),
        name: input.string("InstanceName"),
        host_name: input.string("HostName"),
        unique_suffix: input.flag("UniqueSuffix").unwrap_or(false),
        network_id: None,
        vswitch_id: input.string("VSwitchId"),
        private_ip: input.string("PrivateIpAddress"),
        system_disk_gb: input.opt("SystemDisk.Size")?.unwrap_or(20),
        data_disks_gb: input
            .indexed("DataDisk", "Size")
            .into_iter()
            .filter_map(|(_, v)| v.parse().ok())
            .collect(),
        bandwidth_out: 100,
        public_ip: input.flag("PublicIpIdentification").unwrap_or(true),
        tags: Vec::new(),
        spot_strategy: None,
        auto_release_time: None,
    };
    let ids = launch_instances(ctx, launch)?;
    Ok(json!({"InstanceIds": {"InstanceId": ids}, "Code": 0}))
}

pub(crate) fn run_instances(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let level = input.required("ScheduleAreaLevel")?;
    if level != "Region" {
        return Err(ApiError::parameter_not_emulated(
            ctx.action,
            "ScheduleAreaLevel",
            &format!(
                "scheduling over an area ({level}) is not modelled; use Region with EnsRegionId"
            ),
        ));
    }
    let charge = match input.required("InstanceChargeType")?.as_str() {
        "PostPaid" => ChargeType::PostPaid,
        _ => ChargeType::PrePaid,
    };
    let period = input.opt::<i64>("Period")?.unwrap_or(1);
    let period_days = match (charge, input.text("PeriodUnit")) {
        (ChargeType::PostPaid, _) => None,
        (ChargeType::PrePaid, Some("Day")) => Some(period),
        (ChargeType::PrePaid, _) => Some(period * 30),
    };
    let disk_size = |v: &Value| -> Option<i64> {
        match v.get("Size")? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    };
    let system_disk_gb = input
        .text("SystemDisk")
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|v| disk_size(&v))
        .unwrap_or(20);
    let data_disks_gb = input
        .text("DataDisk")
        .and_then(|t| serde_json::from_str::<Vec<Value>>(t).ok())
        .map(|disks| disks.iter().filter_map(disk_size).collect())
        .unwrap_or_default();
    let keys = input.indexed("Tag", "Key");
    let values = input.indexed("Tag", "Value");
    let tags = keys
        .into_iter()
        .map(|(n, k)| {
            let v = values.iter().find(|(m, _)| *m == n).map(|(_, v)| v.clone());
            (k, v.unwrap_or_default())
        })
        .collect();
    let launch = Launch {
        region: input.required("EnsRegionId")?,
        instance_type: input.required("InstanceType")?,
        image: input.string("ImageId"),
        count: input.opt("Amount")?.unwrap_or(1),
        charge,
        period_days,
        name: input.string("InstanceName"),
        host_name: input.string("HostName"),
        unique_suffix: input.flag("UniqueSuffix").unwrap_or(false),
        network_id: input.string("NetWorkId"),
        vswitch_id: input.string("VSwitchId"),
        private_ip: input.string("PrivateIpAddress"),
        system_disk_gb,
        data_disks_gb,
        bandwidth_out: input.opt("InternetMaxBandwidthOut")?.unwrap_or(100),
        public_ip: input.flag("PublicIpIdentification").unwrap_or(true),
        tags,
        spot_strategy: input.string("SpotStrategy"),
        auto_release_time: input.string("AutoReleaseTime"),
    };
    let ids = launch_instances(ctx, launch)?;
    let order_id = 100_000_000_000_000 + ctx.world.rng.next_u64() % 900_000_000_000_000;
    Ok(json!({"InstanceIds": ids, "OrderId": order_id.to_string()}))
}

/// Checks a create request against the world and creates its instances, all or none.
fn launch_instances(ctx: &mut Ctx<'_>, l: Launch) -> Result<Vec<String>, ApiError> {
    let action = ctx.action;
    if ctx.world.region(&l.region).is_none() {
        return Err(ctx.invalid(
            "EnsRegionId",
            &format!(
                "no edge node {:?} (GET /_emulator/state lists them)",
                l.region
            ),
        ));
    }
    if ctx.world.instance_type(&l.instance_type).is_none() {
        return Err(documented_or_invalid(
            action,
            "InvalidParameter.InstanceType",
            "InstanceType",
        ));
    }
    let image = match l.image.clone() {
        Some(id) if ctx.world.image(&id).is_none() => {
            return Err(documented_or_invalid(
                action,
                "InvalidParameter.Image",
                "ImageId",
            ));
        }
        Some(id) => id,
        None => ctx
            .world
            .fixture
            .images
            .first()
            .map(|i| i.id.clone())
            .unwrap_or_default(),
    };
    let count = usize::try_from(l.count.max(1)).unwrap_or(usize::MAX);
    let (network_id, addresses) = place(ctx, &l, count)?;
    let free = ctx.world.free(&l.region, &l.instance_type);
    if u32::try_from(count).map_or(true, |c| c > free) {
        return Err(ctx.error("StockNotEnough", None).recommend(format!(
            "ens-emulator: {} {} instance(s) left in {} (set stock with POST /_emulator/stock)",
            free, l.instance_type, l.region
        )));
    }

    let now = ctx.now_ms;
    let boot = ctx.timings.boot;
    let auto_release_ms = l
        .auto_release_time
        .as_deref()
        .and_then(crate::clock::parse_iso)
        .map(|s| s * 1000);
    let mut ids = Vec::with_capacity(count);
    for k in 0..count {
        let id = ctx.world.rng.id("i-", 24);
        let seq = ctx.world.next_seq();
        let suffix = if l.unique_suffix {
            format!("{:03}", k + 1)
        } else {
            String::new()
        };
        let private_ip = match addresses.get(k) {
            Some(ip) => ip_text(*ip),
            None => ip_text(CLASSIC_POOL.wrapping_add(seq as u32)),
        };
        let instance = Instance {
            id: id.clone(),
            region: l.region.clone(),
            instance_type: l.instance_type.clone(),
            image_id: image.clone(),
            name: l
                .name
                .as_ref()
                .map_or_else(|| id.clone(), |n| format!("{n}{suffix}")),
            host_name: l.host_name.as_ref().map(|h| format!("{h}{suffix}")),
            status: Status::Pending,
            transition: Some(Transition::new(Status::Running, now, boot)),
            charge: l.charge,
            created_ms: now,
            expires_ms: l.period_days.map(|d| now + d * DAY_MS),
            auto_release_ms: if l.charge == ChargeType::PostPaid {
                auto_release_ms
            } else {
                None
            },
            seq,
            network_id: network_id.clone(),
            vswitch_id: l.vswitch_id.clone(),
            private_ip,
            public_ip: l
                .public_ip
                .then(|| ip_text(PUBLIC_POOL.wrapping_add(seq as u32))),
            system_disk_gb: l.system_disk_gb,
            data_disks_gb: l.data_disks_gb.clone(),
            bandwidth_out: l.bandwidth_out,
            tags: l.tags.clone(),
            spot_strategy: l.spot_strategy.clone(),
            auto_release_time: l.auto_release_time.clone(),
        };
        ctx.account().instances.insert(id.clone(), instance);
        ids.push(id);
    }
    let left = free - count as u32;
    ctx.world.set_free(&l.region, &l.instance_type, left);
    ctx.mutated = true;
    Ok(ids)
}

/// The network and private addresses of `count` new instances: in the vSwitch if one is given
/// (the requested address, or the first free ones), else none (they get classic addresses).
fn place(ctx: &Ctx<'_>, l: &Launch, count: usize) -> Result<(Option<String>, Vec<u32>), ApiError> {
    let Some(vsw_id) = &l.vswitch_id else {
        if l.private_ip.is_some() || l.network_id.is_some() {
            return Err(missing_error(ctx.action, "VSwitchId"));
        }
        return Ok((None, Vec::new()));
    };
    let account = ctx.account_ref();
    let vsw = account
        .and_then(|a| a.vswitches.get(vsw_id))
        .filter(|v| v.region == l.region)
        .ok_or_else(|| {
            ctx.error("InvalidVSwitchId.NotFound", None)
                .recommend(format!(
                    "ens-emulator: no vSwitch {vsw_id} in {} for this account",
                    l.region
                ))
        })?;
    if l.network_id.as_ref().is_some_and(|n| *n != vsw.network_id) {
        return Err(ctx.error("InvalidVSwitchId.NotBelongNetwork", None));
    }
    let cidr = Cidr::parse(&vsw.cidr).ok_or_else(|| ctx.error("InternalError", None))?;
    let used: BTreeSet<u32> = account
        .into_iter()
        .flat_map(|a| a.instances.values())
        .filter(|i| i.vswitch_id.as_deref() == Some(vsw_id))
        .filter_map(|i| parse_ip(&i.private_ip))
        .collect();
    let addresses = match &l.private_ip {
        Some(text) => {
            let ip = parse_ip(text)
                .ok_or_else(|| ctx.invalid("PrivateIpAddress", "not an IPv4 address"))?;
            if !cidr.contains_ip(ip)
                || ip == cidr.base
                || ip == cidr.gateway()
                || u64::from(ip) == u64::from(cidr.base) + cidr.size() - 1
            {
                return Err(ctx
                    .error("InvalidPrivateIpAddress", None)
                    .recommend(format!(
                        "ens-emulator: {text} is not a host address of {} ({})",
                        vsw.id, vsw.cidr
                    )));
            }
            if used.contains(&ip) || count > 1 {
                return Err(ctx
                    .error("InvalidPrivateIpAddress.Duplicated", None)
                    .recommend(if count > 1 {
                        format!("ens-emulator: {count} instances cannot share {text}")
                    } else {
                        format!("ens-emulator: {text} is used by another instance")
                    }));
            }
            vec![ip]
        }
        None => {
            let free: Vec<u32> = cidr
                .hosts()
                .filter(|h| !used.contains(h))
                .take(count)
                .collect();
            if free.len() < count {
                return Err(ctx.error("InvalidVSwitchId.IpNotEnough", None));
            }
            free
        }
    };
    Ok((Some(vsw.network_id.clone()), addresses))
}

pub(crate) fn describe_instances(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let ids = input.list("InstanceIds")?;
    let regions = input.list("EnsRegionIds")?;
    let tags = match input.text("Tags") {
        Some(text) => tag_filter(text)
            .ok_or_else(|| ctx.invalid("Tags", "not a JSON array of {TagKey, TagValue}"))?,
        None => Vec::new(),
    };
    let eq = |name: &str, value: &str| input.text(name).is_none_or(|want| want == value);
    let search = input.text("SearchKey");
    let mut found: Vec<&Instance> = ctx
        .account_ref()
        .into_iter()
        .flat_map(|a| a.instances.values())
        .filter(|i| ids.as_ref().is_none_or(|ids| ids.contains(&i.id)))
        .filter(|i| regions.as_ref().is_none_or(|r| r.contains(&i.region)))
        .filter(|i| {
            eq("InstanceId", &i.id) && eq("EnsRegionId", &i.region) && eq("InstanceName", &i.name)
        })
        .filter(|i| {
            eq("ImageId", &i.image_id)
                && eq("Status", i.status.as_str())
                && eq("InstanceType", &i.instance_type)
        })
        .filter(|i| eq("InstanceResourceType", resource_type(i)) && eq("IntranetIp", &i.private_ip))
        .filter(|i| {
            eq("NetworkId", i.network_id.as_deref().unwrap_or(""))
                && eq("VSwitchId", i.vswitch_id.as_deref().unwrap_or(""))
        })
        // Not modelled: no instance belongs to an edge service or a security group.
        .filter(|_| input.text("EnsServiceId").is_none() && input.text("SecurityGroupId").is_none())
        .filter(|i| tags.iter().all(|t| i.tags.contains(t)))
        .filter(|i| {
            search.is_none_or(|k| {
                i.id.contains(k)
                    || i.name.contains(k)
                    || i.private_ip.contains(k)
                    || i.public_ip.as_deref().is_some_and(|ip| ip.contains(k))
            })
        })
        .collect();
    found.sort_by_key(|i| i.seq);
    if let Some(order) = input.text("OrderByParams") {
        sort_instances(ctx, &mut found, order)?;
    }
    let (page, number, size, total) = page(found, &input, 100)?;
    let world = &*ctx.world;
    let instances: Vec<Value> = page.iter().map(|i| instance_json(world, i)).collect();
    Ok(json!({
        "Code": 0,
        "PageNumber": number,
        "PageSize": size,
        "TotalCount": total,
        "Instances": {"Instance": instances},
    }))
}

/// `[{"TagKey": "k", "TagValue": "v"}]` (also `Key`/`Value`).
fn tag_filter(text: &str) -> Option<Vec<(String, String)>> {
    let items: Vec<Value> = serde_json::from_str(text).ok()?;
    items
        .iter()
        .map(|t| {
            let key = t.get("TagKey").or_else(|| t.get("Key"))?.as_str()?;
            let value = t
                .get("TagValue")
                .or_else(|| t.get("Value"))
                .and_then(Value::as_str)
                .unwrap_or("");
            Some((key.to_owned(), value.to_owned()))
        })
        .collect()
}

/// `OrderByParams`: `{"InstanceNameSort": "asc", "ExpireTimeSort": "asc", "CreationTimeSort":
/// "desc", "EnsRegionId": "desc"}`, applied in that order of precedence.
fn sort_instances(ctx: &Ctx<'_>, found: &mut [&Instance], order: &str) -> Result<(), ApiError> {
    let spec: serde_json::Map<String, Value> = serde_json::from_str(order)
        .map_err(|_| ctx.invalid("OrderByParams", "not a JSON object"))?;
    if let Some(key) = spec.keys().find(|k| {
        !matches!(
            k.as_str(),
            "InstanceNameSort" | "ExpireTimeSort" | "CreationTimeSort" | "EnsRegionId"
        )
    }) {
        return Err(ApiError::parameter_not_emulated(
            ctx.action,
            "OrderByParams",
            &format!("sorting by {key} is not modelled"),
        ));
    }
    let dir = |key: &str| {
        spec.get(key)
            .and_then(Value::as_str)
            .map(|d| d.eq_ignore_ascii_case("desc"))
    };
    for key in [
        "EnsRegionId",
        "CreationTimeSort",
        "ExpireTimeSort",
        "InstanceNameSort",
    ] {
        let Some(desc) = dir(key) else { continue };
        found.sort_by(|a, b| {
            let ord = match key {
                "EnsRegionId" => a.region.cmp(&b.region),
                "CreationTimeSort" => a.seq.cmp(&b.seq),
                "ExpireTimeSort" => a.expires_ms.cmp(&b.expires_ms),
                _ => a.name.cmp(&b.name),
            };
            if desc { ord.reverse() } else { ord }
        });
    }
    Ok(())
}

fn resource_type(i: &Instance) -> &'static str {
    match i.charge {
        ChargeType::PrePaid => "EnsInstance",
        ChargeType::PostPaid => "EnsPostPaidInstance",
    }
}

/// One instance as DescribeInstances' reference example shows it.
fn instance_json(world: &crate::state::World, i: &Instance) -> Value {
    let itype = world.instance_type(&i.instance_type);
    let os = world
        .image(&i.image_id)
        .map_or("", |im| im.os_name.as_str());
    let isp = world.region(&i.region).map_or("", |r| r.isp.as_str());
    let public: Vec<Value> = i
        .public_ip
        .iter()
        .map(|ip| json!({"Ip": ip, "GateWay": gateway_of(ip), "Isp": isp}))
        .collect();
    let private_gateway = i
        .vswitch_id
        .as_ref()
        .and_then(|v| world.accounts.values().find_map(|a| a.vswitches.get(v)))
        .and_then(|v| Cidr::parse(&v.cidr))
        .map_or_else(|| gateway_of(&i.private_ip), |c| ip_text(c.gateway()));
    let disk_json = |id_seed: &str, size_gb: i64, kind: &str| {
        json!({
            "DiskId": format!("d-{}", &id_seed[2..]),
            "DiskName": format!("{}-{kind}", i.name),
            "Size": size_gb * 1024,
            "DiskSize": size_gb,
            "Category": "cloud_efficiency",
            "device_type": "pangu",
            "disk_type": kind,
            "name": format!("{}-{kind}", i.name),
            "storage": size_gb * 1024,
            "uuid": id_seed,
        })
    };
    let data_disks: Vec<Value> = i
        .data_disks_gb
        .iter()
        .enumerate()
        .map(|(n, size)| disk_json(&format!("{}{n}", i.id), *size, "data"))
        .collect();
    let mut system_disk = disk_json(&i.id, i.system_disk_gb, "system");
    if let Some(map) = system_disk.as_object_mut() {
        map.remove("DiskSize");
    }
    let mut v = json!({
        "InstanceId": i.id,
        "InstanceName": i.name,
        "HostName": i.host_name.clone().unwrap_or_default(),
        "Status": i.status.as_str(),
        "EnsRegionId": i.region,
        "SpecName": i.instance_type,
        "InstanceTypeFamily": "x86_vm",
        "InstanceResourceType": resource_type(i),
        "CreationTime": iso(i.created_ms),
        "ImageId": i.image_id,
        "OSName": os,
        "Cpu": itype.map_or(0, |t| t.cpu).to_string(),
        "Memory": itype.map_or(0, |t| t.memory_mb),
        "Disk": (i.system_disk_gb + i.data_disks_gb.iter().sum::<i64>()) * 1024,
        "InternetMaxBandwidthIn": i.bandwidth_out,
        "InternetMaxBandwidthOut": i.bandwidth_out,
        "SystemDisk": system_disk,
        "DataDisk": {"DataDisk": data_disks},
        "PublicIpAddresses": {"PublicIpAddress": public},
        "PublicIpAddress": {"IpAddress": i.public_ip.iter().collect::<Vec<_>>()},
        "PrivateIpAddresses": {"PrivateIpAddress": [{"Ip": i.private_ip, "GateWay": private_gateway, "Isp": isp}]},
        "InnerIpAddress": {"IpAddress": [i.private_ip]},
        "SecurityGroupIds": {"SecurityGroupId": []},
        "Tags": {"Tags": i.tags.iter().map(|(k, v)| json!({"TagKey": k, "TagValue": v})).collect::<Vec<_>>()},
        "SpotStrategy": i.spot_strategy.clone().unwrap_or_else(|| "NoSpot".to_owned()),
    });
    if let Some(map) = v.as_object_mut() {
        if let Some(end) = i.expires_ms {
            map.insert("ExpiredTime".into(), json!(iso(end)));
        }
        if let Some(at) = &i.auto_release_time {
            map.insert("AutoReleaseTime".into(), json!(at));
        }
        if let (Some(net), Some(vsw)) = (&i.network_id, &i.vswitch_id) {
            map.insert(
                "NetworkAttributes".into(),
                json!({"NetworkId": net, "VSwitchId": vsw, "PrivateIpAddress": {"IpAddress": [i.private_ip]}}),
            );
        }
    }
    v
}

/// The `.1` address of an address's /24, shown as its gateway.
fn gateway_of(ip: &str) -> String {
    parse_ip(ip).map_or_else(String::new, |n| ip_text((n & 0xFFFF_FF00) | 1))
}

pub(crate) fn describe_create_result(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let instance = find(ctx, p, "InstanceIdNotFound")?;
    let status = if instance.status == Status::Pending {
        "Creating"
    } else {
        "Successed"
    };
    Ok(json!({"InstanceCreateResult": {"InstanceCreateStatus": status, "InstanceId": instance.id}}))
}

/// The caller's instance named by `InstanceId`, or `not_found` (the code differs by operation).
fn find<'w>(ctx: &'w Ctx<'_>, p: &WireMap, not_found: &str) -> Result<&'w Instance, ApiError> {
    let id = Input::new(p, ctx.action).required("InstanceId")?;
    ctx.account_ref()
        .and_then(|a| a.instances.get(&id))
        .ok_or_else(|| {
            ctx.error(not_found, None)
                .recommend(format!("ens-emulator: this account has no instance {id}"))
        })
}

/// Moves the instance named by `InstanceId` from one of `from` into `via`, then `to` after
/// `settle`; `IncorrectInstanceStatus` from any other status.
fn transition(
    ctx: &mut Ctx<'_>,
    p: &WireMap,
    not_found: &str,
    from: &[Status],
    via: Status,
    to: Status,
    settle: Settle,
) -> Result<(), ApiError> {
    let instance = find(ctx, p, not_found)?;
    if !from.contains(&instance.status) {
        let allowed: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        return Err(ctx
            .error("IncorrectInstanceStatus", None)
            .recommend(format!(
                "ens-emulator: {} is {}; {} needs {}",
                instance.id,
                instance.status.as_str(),
                ctx.action,
                allowed.join(" or ")
            )));
    }
    let id = instance.id.clone();
    let now = ctx.now_ms;
    if let Some(i) = ctx.account().instances.get_mut(&id) {
        i.status = via;
        i.transition = Some(Transition::new(to, now, settle));
    }
    ctx.mutated = true;
    Ok(())
}

pub(crate) fn start_instance(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let settle = ctx.timings.start;
    transition(
        ctx,
        p,
        "InstanceNotFound",
        &[Status::Stopped],
        Status::Starting,
        Status::Running,
        settle,
    )?;
    Ok(json!({"Code": 0}))
}

pub(crate) fn stop_instance(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let settle = ctx.timings.stop;
    transition(
        ctx,
        p,
        "InstanceIdNotFound",
        &[Status::Running],
        Status::Stopping,
        Status::Stopped,
        settle,
    )?;
    Ok(json!({"Code": 0}))
}

pub(crate) fn reboot_instance(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let settle = ctx.timings.reboot;
    transition(
        ctx,
        p,
        "InstanceIdNotFound",
        &[Status::Running],
        Status::Starting,
        Status::Running,
        settle,
    )?;
    Ok(json!({"Code": 0}))
}

/// ReinitInstance: the reference states no status rule; the emulator takes Running or Stopped
/// instances (not one in transition) and boots them again from the image.
pub(crate) fn reinit_instance(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let input = Input::new(p, ctx.action);
    let image = input.required("ImageId")?;
    if ctx.world.image(&image).is_none() {
        return Err(ctx.invalid("ImageId", &format!("no image {image:?}")));
    }
    let settle = ctx.timings.reinit;
    transition(
        ctx,
        p,
        "InstanceIdNotFound",
        &[Status::Running, Status::Stopped],
        Status::Starting,
        Status::Running,
        settle,
    )?;
    let id = input.required("InstanceId")?;
    if let Some(i) = ctx.account().instances.get_mut(&id) {
        i.image_id = image;
    }
    Ok(json!({}))
}

/// Pay-as-you-go instances only, and not while in transition (the reference documents
/// `IncorrectInstanceStatus`). A subscription instance gets `InvalidParameter.InstanceId`.
pub(crate) fn release_post_paid(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let instance = find(ctx, p, "InstanceIdNotFound")?;
    if instance.charge != ChargeType::PostPaid {
        return Err(ctx.invalid(
            "InstanceId",
            &format!(
                "{} is a subscription (PrePaid) instance: release it with ReleasePrePaidInstance",
                instance.id
            ),
        ));
    }
    if instance.status.is_transient() {
        return Err(ctx
            .error("IncorrectInstanceStatus", None)
            .recommend(format!(
                "ens-emulator: {} is {}; wait until it is Running or Stopped",
                instance.id,
                instance.status.as_str()
            )));
    }
    release(ctx, p)
}

/// Subscription instances only; the reference states no status rule, so any status is taken.
pub(crate) fn release_pre_paid(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let instance = find(ctx, p, "InstanceIdNotFound")?;
    if instance.charge != ChargeType::PrePaid {
        return Err(ctx.invalid("InstanceId", &format!("{} is a pay-as-you-go (PostPaid) instance: release it with ReleasePostPaidInstance", instance.id)));
    }
    release(ctx, p)
}

fn release(ctx: &mut Ctx<'_>, p: &WireMap) -> Result<Value, ApiError> {
    let id = Input::new(p, ctx.action).required("InstanceId")?;
    if let Some(gone) = ctx.account().instances.remove(&id) {
        let free = ctx.world.free(&gone.region, &gone.instance_type);
        ctx.world
            .set_free(&gone.region, &gone.instance_type, free.saturating_add(1));
    }
    ctx.mutated = true;
    Ok(json!({}))
}
