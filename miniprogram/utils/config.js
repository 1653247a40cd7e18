// Where the API lives. Set it to your server's https domain, and add that domain to the
// mini-program's request / uploadFile / downloadFile whitelist (公众平台 → 开发管理 → 服务器域名).
module.exports = {
  baseUrl: 'https://siteroll.example.com',
};
