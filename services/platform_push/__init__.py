"""The government platform (全国建筑工人管理服务信息平台 and the city platforms that share its
data standard): the wire protocol, the payloads, the outbox and its delivery."""
